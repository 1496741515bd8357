"""The TCP push (``protocol`` 8): JSON documents on a plain connection, no answer.

The camera connects, writes one document and a newline, and closes. The listener also takes
several documents per connection, separated by any whitespace (or none), so it does not
depend on the framing. A bad document is counted and skipped; one past the size cap, or a
connection that sends nothing complete for ``read_timeout`` seconds, is cut.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

from axisctl.lpr.http_handler import Ingest
from axisctl.lpr.intake import Counters, RejectReason
from axisctl.lpr.parse import PushFormatError, parse_push

__all__ = ["DocumentSplitter", "DocumentTooLargeError", "TcpListener"]

log = logging.getLogger("axisctl.lpr")

_IN_STRING = re.compile(rb'["\\]')
_IN_OBJECT = re.compile(rb'[{}"]')
_WHITESPACE = b" \t\r\n"


class DocumentTooLargeError(Exception):
    """A document grew past the cap before it ended."""


class DocumentSplitter:
    """Cuts a byte stream into top-level JSON objects, without parsing them.

    It tracks only braces and strings (escapes included), which is enough to find where an
    object ends; the parser then checks each piece. Bytes between objects that are neither
    whitespace nor ``{`` are skipped up to the next newline and reported.
    """

    def __init__(self, max_document: int) -> None:
        self.max_document = max_document
        self._buffer = bytearray()
        self._scan = 0  # where to continue scanning inside the current document
        self._depth = 0
        self._in_string = False
        self._skipping = False

    @property
    def pending(self) -> bool:
        """Part of a document (or skipped garbage) is waiting for more bytes."""
        return bool(self._buffer.strip(_WHITESPACE)) or self._skipping

    def feed(self, data: bytes) -> list[bytes | str]:
        """The documents that ``data`` completes, as bytes, and problems, as messages.

        Raises :class:`DocumentTooLargeError` when the current document passes the cap.
        """
        self._buffer += data
        out: list[bytes | str] = []
        while True:
            if self._skipping:
                newline = self._buffer.find(b"\n")
                if newline < 0:
                    self._buffer.clear()
                    return out
                del self._buffer[: newline + 1]
                self._skipping = False
            if self._depth == 0:
                start = len(self._buffer) - len(self._buffer.lstrip(_WHITESPACE))
                del self._buffer[:start]
                if not self._buffer:
                    return out
                if self._buffer[0] != ord("{"):
                    out.append("data outside a JSON object, skipped to the next line")
                    self._skipping = True
                    continue
                self._scan = 0
            end = self._scan_document()
            if end is None:
                if len(self._buffer) > self.max_document:
                    raise DocumentTooLargeError(
                        f"a document is larger than {self.max_document} bytes"
                    )
                return out
            if end > self.max_document:
                raise DocumentTooLargeError(f"a document is larger than {self.max_document} bytes")
            out.append(bytes(self._buffer[:end]))
            del self._buffer[:end]

    def _scan_document(self) -> int | None:
        """The end of the object that starts the buffer, or ``None`` if it has not ended yet."""
        buffer, position = self._buffer, self._scan
        while True:
            pattern = _IN_STRING if self._in_string else _IN_OBJECT
            match = pattern.search(buffer, position)
            if match is None:
                self._scan = len(buffer)
                return None
            position = match.start()
            char = buffer[position]
            if self._in_string:
                if char == ord("\\"):
                    if position + 1 >= len(buffer):
                        self._scan = position  # the escaped byte has not come yet
                        return None
                    position += 2
                    continue
                self._in_string = False
            elif char == ord('"'):
                self._in_string = True
            elif char == ord("{"):
                self._depth += 1
            else:
                self._depth -= 1
                if self._depth == 0:
                    return position + 1
            position += 1


class TcpListener:
    """Serves the TCP push on ``host:port``; every document goes to ``ingest``."""

    def __init__(
        self,
        *,
        max_document: int,
        read_timeout: float,
        counters: Counters,
        ingest: Ingest,
    ) -> None:
        self.max_document = max_document
        self.read_timeout = read_timeout
        self.counters = counters
        self.ingest = ingest
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def address(self) -> tuple[str, int]:
        assert self._server is not None, "the listener was not started"
        host, port = self._server.sockets[0].getsockname()[:2]
        return host, port

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, host, port)

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        peer = writer.get_extra_info("peername")
        splitter = DocumentSplitter(self.max_document)
        try:
            await self._read(reader, splitter, peer)
        except DocumentTooLargeError as error:
            self._reject(RejectReason.TOO_LARGE, peer, str(error))
        except asyncio.TimeoutError:
            if splitter.pending:
                self._reject(
                    RejectReason.TIMEOUT,
                    peer,
                    f"no complete document within {self.read_timeout:g} s",
                )
        except (ConnectionError, OSError):
            if splitter.pending:
                self._reject(RejectReason.INCOMPLETE, peer, "the connection broke mid-document")
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _read(
        self, reader: asyncio.StreamReader, splitter: DocumentSplitter, peer: object
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.read_timeout
        while True:
            data = await asyncio.wait_for(reader.read(65536), max(deadline - loop.time(), 0))
            if not data:
                if splitter.pending:
                    self._reject(RejectReason.INCOMPLETE, peer, "the connection ended mid-document")
                return
            for piece in splitter.feed(data):
                if isinstance(piece, str):
                    self._reject(RejectReason.MALFORMED, peer, piece)
                    continue
                deadline = loop.time() + self.read_timeout
                await self._document(piece, peer)

    async def _document(self, document: bytes, peer: object) -> None:
        try:
            read = parse_push(document)
        except PushFormatError as error:
            self._reject(RejectReason.MALFORMED, peer, f"bad push: {error.message}")
            return
        try:
            await self.ingest(read)
        except Exception:
            # Nothing to answer over TCP: the read is lost to the callback, so say so loudly.
            log.exception("TCP push from %s: the read handler failed", peer)
            self.counters.reject(RejectReason.HANDLER_FAILED)

    def _reject(self, why: RejectReason, peer: object, reason: str) -> None:
        self.counters.reject(why)
        log.warning("TCP push from %s refused: %s", peer, reason)
