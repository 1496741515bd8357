"""The HTTP side of the receiver: one aiohttp handler that answers every push.

Checks run cheapest first and before any body is read: method, credentials, the announced
length, the content type. The body is then read against a byte cap and a deadline, so that
neither a huge nor a trickling body can hold memory or the handler for long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import NoReturn

from aiohttp import web

from axisctl.lpr.auth import PushAuth, Verdict
from axisctl.lpr.intake import Counters, RejectReason
from axisctl.lpr.models import PlateRead
from axisctl.lpr.multipart import media_type, parse_form_push
from axisctl.lpr.parse import PushFormatError, parse_push

log = logging.getLogger("axisctl.lpr")

#: ``ingest(read)`` -> ``True`` for a new read, ``False`` for a duplicate.
Ingest = Callable[[PlateRead], Awaitable[bool]]

ACCEPTED_TYPES = ("application/json", "multipart/form-data")


class Rejected(Exception):
    """A push refused with ``status``; ``reason`` is sent back and logged."""

    def __init__(
        self,
        status: int,
        why: RejectReason,
        reason: str,
        *,
        headers: list[tuple[str, str]] | None = None,
        challenge: bool = False,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.why = why
        self.reason = reason
        self.headers = headers or []
        #: A 401 that asks for credentials not yet sent: a step of Digest, not a refusal.
        self.challenge = challenge


class PushHandler:
    """Answers pushes: 200 accepted or duplicate, else a 4xx (5xx if the callback fails)."""

    def __init__(
        self,
        *,
        auth: PushAuth,
        max_body: int,
        read_timeout: float,
        counters: Counters,
        ingest: Ingest,
    ) -> None:
        self.auth = auth
        self.max_body = max_body
        self.read_timeout = read_timeout
        self.counters = counters
        self.ingest = ingest

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            read = await self._receive(request)
            try:
                new = await self.ingest(read)
            except Exception:
                log.exception("push from %s: the read handler failed", request.remote)
                raise Rejected(
                    500, RejectReason.HANDLER_FAILED, "the receiver could not handle the read"
                ) from None
        except Rejected as rejected:
            return await self._refuse(request, rejected)
        if new:
            return web.Response(text="accepted\n")
        return web.Response(
            text=f"duplicate: already received car {read.car_id} packet {read.packet_counter}\n"
        )

    async def _receive(self, request: web.Request) -> PlateRead:
        if request.method != "POST":
            raise Rejected(
                405,
                RejectReason.METHOD,
                f"{request.method} is not allowed: push with POST",
                headers=[("Allow", "POST")],
            )
        self._authenticate(request)
        length = request.content_length
        if length is not None and length > self.max_body:
            self._too_large()
        content_type = request.headers.get("Content-Type", "")
        kind = media_type(content_type)[0]
        if kind not in ACCEPTED_TYPES:
            raise Rejected(
                415,
                RejectReason.CONTENT_TYPE,
                f"Content-Type {kind or 'missing'!r:.60}: send application/json or "
                "multipart/form-data",
            )
        body = await self._read_body(request)
        try:
            if kind == "application/json":
                return parse_push(body)
            return parse_form_push(body, content_type)
        except PushFormatError as error:
            raise Rejected(400, RejectReason.MALFORMED, f"bad push: {error.message}") from None

    def _authenticate(self, request: web.Request) -> None:
        decision = self.auth.check(request.method, request.headers)
        if decision.verdict is Verdict.ALLOW:
            return
        challenges = [("WWW-Authenticate", c) for c in self.auth.challenges(stale=decision.stale)]
        raise Rejected(
            401,
            RejectReason.UNAUTHORIZED,
            decision.reason,
            headers=challenges,
            challenge=decision.verdict is Verdict.CHALLENGE,
        )

    def _too_large(self) -> NoReturn:
        raise Rejected(
            413, RejectReason.TOO_LARGE, f"the body is larger than {self.max_body} bytes"
        )

    async def _read_body(self, request: web.Request) -> bytes:
        async def read() -> bytes:
            chunks: list[bytes] = []
            size = 0
            while chunk := await request.content.readany():
                size += len(chunk)
                if size > self.max_body:
                    self._too_large()
                chunks.append(chunk)
            return b"".join(chunks)

        try:
            return await asyncio.wait_for(read(), self.read_timeout)
        except asyncio.TimeoutError:
            raise Rejected(
                408,
                RejectReason.TIMEOUT,
                f"the body did not arrive within {self.read_timeout:g} s",
            ) from None
        except Rejected:
            raise
        except Exception:  # aiohttp ends the payload with the connection's error
            raise Rejected(
                400, RejectReason.INCOMPLETE, "the connection closed before the whole body came"
            ) from None

    async def _refuse(self, request: web.Request, rejected: Rejected) -> web.StreamResponse:
        if rejected.challenge:
            self.counters.challenged += 1
            log.debug("push from %s: challenged (%s)", request.remote, rejected.reason)
        else:
            self.counters.reject(rejected.why)
            log.warning(
                "push from %s refused, %d: %s", request.remote, rejected.status, rejected.reason
            )
        response = web.Response(status=rejected.status, text=rejected.reason + "\n")
        for name, value in rejected.headers:
            response.headers.add(name, value)
        length = request.content_length
        unread = not request.content.is_eof()
        if rejected.why in (RejectReason.TOO_LARGE, RejectReason.TIMEOUT) or (
            unread and (length is None or length > self.max_body)
        ):
            # aiohttp would read and discard the rest of the body for up to 10 s to keep the
            # connection; a slow, oversized or endless one is not worth it: answer, hang up.
            response.force_close()  # says "Connection: close", so clients do not reuse it
            with contextlib.suppress(ConnectionError):  # it may be gone already
                await response.prepare(request)
                await response.write_eof()
            request.protocol.force_close()
        return response
