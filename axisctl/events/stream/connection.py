"""Opening the websocket: the session token or Digest/Basic on the upgrade, TLS and pinning,
and the websockets library's errors as axisctl errors."""

from __future__ import annotations

import asyncio
import base64
import logging
import ssl
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from axisctl import __version__
from axisctl.apis.events import EventsAPI
from axisctl.errors import (
    AuthenticationError,
    AxisError,
    ConnectionLostError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ForbiddenError,
    HTTPStatusError,
    MalformedResponseError,
    TLSError,
    TransportError,
    UnsupportedAPIError,
)
from axisctl.events.stream.settings import API_NAME, WS_PATH, StreamSettings
from axisctl.transport.auth import Credentials, DigestAuth
from axisctl.transport.client import AsyncTransport, ClientOptions
from axisctl.transport.flow import AsyncMode
from axisctl.transport.tls import TLSConfig, check_pin, normalize_fingerprint

# The websockets library logs request lines and headers at DEBUG: the session token and the
# Digest answer would land in the logs. Its logger is ours and stays at INFO unless someone
# lowers it on purpose.
_wire_log = logging.getLogger("axisctl.events.stream.wire")
_wire_log.setLevel(logging.INFO)


def _ssl_context(tls: TLSConfig) -> ssl.SSLContext:
    context = tls.ssl_context()
    if isinstance(context, ssl.SSLContext):
        return context
    if context:
        return ssl.create_default_context()
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    return unverified


def _pinned_connection(pin: str) -> type[ClientConnection]:
    class PinnedConnection(ClientConnection):
        """Checks the certificate before the upgrade request (and its credentials) is sent."""

        async def handshake(self, *args: Any, **kwargs: Any) -> None:
            check_pin(self.transport, pin)
            await super().handshake(*args, **kwargs)

    return PinnedConnection


def retriable(error: AxisError) -> bool:
    """Worth another connection attempt: the network or a device that is (re)starting."""
    if isinstance(error, TLSError):
        return False
    if isinstance(error, (TransportError, MalformedResponseError)):
        return True
    return isinstance(error, HTTPStatusError) and error.status >= 500


class Connector:
    """Opens authenticated websocket connections to the event stream of one device.

    Session tokens come over the device's ordinary HTTP client, so Digest, TLS trust and
    pinning are the same as for every call; the upgrade itself checks the pin before it
    sends anything.
    """

    def __init__(self, url: str, credentials: Credentials | None, options: ClientOptions) -> None:
        self._credentials = credentials
        # The HTTP side (session tokens) validates the URL and the auth options up front.
        self._transport = AsyncTransport(url, credentials, options)
        self._api: EventsAPI[AsyncMode] = EventsAPI(self._transport)
        self.name = self._transport.name
        scheme, _, rest = self.name.partition("://")
        self._ws_base = ("wss://" if scheme == "https" else "ws://") + rest
        self._ssl = _ssl_context(options.tls) if scheme == "https" else None
        pin = options.tls.pin_sha256
        self._connection_class = (
            _pinned_connection(normalize_fingerprint(pin)) if pin is not None else None
        )
        self._digest = (
            DigestAuth(credentials)
            if credentials is not None and options.auth == "digest"
            else None
        )

    async def aclose(self) -> None:
        """Close the HTTP client the session tokens come from."""
        await self._transport.aclose()

    async def connect(self, settings: StreamSettings) -> ClientConnection:
        """A connected, authenticated socket (not yet configured)."""
        query = "sources=events"
        authorization: str | None = None
        if self._credentials is not None and settings.use_token:
            token = await self._api.session_token()
            query = f"wssession={token}&sources=events"
        elif self._credentials is not None and self._digest is None:
            pair = f"{self._credentials.username}:{self._credentials.password}".encode()
            authorization = "Basic " + base64.b64encode(pair).decode()
        uri = f"{self._ws_base}{WS_PATH}?{query}"
        if self._digest is None or settings.use_token:
            return await self._upgrade(uri, authorization, settings)
        # Digest on the upgrade: the transport's DigestAuth does the arithmetic (and reuses
        # its last challenge on reconnects); this drives its flow by hand around the upgrade.
        request = httpx.Request("GET", f"{self.name}{WS_PATH}?{query}")
        flow = self._digest.auth_flow(request)
        request = next(flow)
        try:
            return await self._upgrade(uri, request.headers.get("Authorization"), settings)
        except InvalidStatus as exc:
            if exc.response.status_code != 401:
                raise
            challenges = exc.response.headers.get_all("WWW-Authenticate")
            answer = httpx.Response(
                401, headers=[("WWW-Authenticate", c) for c in challenges], request=request
            )
            try:
                request = flow.send(answer)
            except StopIteration:
                raise exc from None  # no Digest challenge we can answer: a plain 401
        return await self._upgrade(uri, request.headers.get("Authorization"), settings)

    async def _upgrade(
        self, uri: str, authorization: str | None, settings: StreamSettings
    ) -> ClientConnection:
        extra: dict[str, Any] = {}
        if self._connection_class is not None:
            extra["create_connection"] = self._connection_class
        return await connect(
            uri,
            additional_headers={"Authorization": authorization} if authorization else None,
            user_agent_header=f"axisctl/{__version__}",
            ssl=self._ssl,
            proxy=None,
            open_timeout=settings.open_timeout,
            ping_interval=settings.ping_interval,
            ping_timeout=settings.ping_timeout,
            close_timeout=settings.close_timeout,
            max_size=settings.max_frame_bytes,
            logger=_wire_log,
            **extra,
        )

    def map_error(self, exc: Exception) -> AxisError:
        """websockets' and the socket's exceptions as axisctl errors."""
        user = self._credentials.username if self._credentials else None
        error: AxisError
        if isinstance(exc, InvalidStatus):
            status = exc.response.status_code
            if status == 401:
                error = AuthenticationError(
                    f"the event stream refused user {user!r}"
                    if user
                    else "the event stream requires credentials",
                    api=API_NAME,
                )
            elif status == 403:
                error = ForbiddenError(f"user {user!r} may not open the event stream", api=API_NAME)
            elif status == 404:
                error = UnsupportedAPIError(
                    f"{WS_PATH} not found: the device has no websocket event stream", api=API_NAME
                )
            else:
                error = HTTPStatusError(
                    f"the event stream upgrade got HTTP {status}", status=status, api=API_NAME
                )
        elif isinstance(exc, ssl.SSLError):
            error = TLSError(f"TLS handshake failed: {exc}", api=API_NAME)
        elif isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            error = DeviceTimeoutError("timed out opening the event stream", api=API_NAME)
        elif isinstance(exc, ConnectionClosed):
            error = ConnectionLostError(f"the event stream closed: {exc}", api=API_NAME)
        elif isinstance(exc, OSError):
            error = DeviceUnreachableError(f"cannot connect: {exc}", api=API_NAME)
        elif isinstance(exc, (InvalidHandshake, InvalidURI)):
            error = TransportError(f"websocket handshake failed: {exc}", api=API_NAME)
        else:
            error = TransportError(f"{type(exc).__name__}: {exc}", api=API_NAME)
        error.device = self.name
        return error
