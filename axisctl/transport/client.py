"""Sync and async transports that run flows against one device.

Everything that is not waiting on the network lives in :class:`_Core` and is shared: URL
and auth set-up, building the httpx request, mapping statuses and exceptions to axisctl
errors, and the retry policy. The two transports differ only in how they wait.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import httpx

from axisctl.errors import (
    AuthenticationError,
    AxisError,
    ConfigurationError,
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
from axisctl.transport.auth import BasicAuth, Credentials, DigestAuth
from axisctl.transport.flow import Flow, HttpRequest, HttpResponse
from axisctl.transport.tls import TLSConfig, async_transport, sync_transport

T = TypeVar("T")
log = logging.getLogger("axisctl.transport")

RETRY_STATUSES = frozenset({502, 503, 504})

#: A call every account may make. AXIS OS answers a role that is too low with a fresh 401
#: challenge, indistinguishable from a wrong password; one such call tells the two apart.
ROLE_PROBE = HttpRequest(
    "GET",
    "/axis-cgi/param.cgi",
    api="param.cgi",
    params={"action": "list", "group": "Brand.ProdNbr"},
    idempotent=True,
)


@dataclass(frozen=True)
class ClientOptions:
    """Connection behaviour shared by :class:`~axisctl.Device` and :class:`~axisctl.AsyncDevice`.

    ``auth`` — ``"digest"`` (default) or ``"basic"``. Basic sends the password in every
    request, so over plain HTTP it also needs ``allow_basic_over_http=True``.
    ``retries`` — extra attempts for idempotent calls after a connection failure, a timeout
    or HTTP 502/503/504, with exponential backoff and jitter starting at ``backoff`` seconds.
    """

    auth: Literal["digest", "basic"] = "digest"
    allow_basic_over_http: bool = False
    tls: TLSConfig = field(default_factory=TLSConfig)
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    retries: int = 2
    backoff: float = 0.1
    max_backoff: float = 2.0
    max_connections: int = 10


def device_name(url: httpx.URL) -> str:
    """How errors and logs name a device: scheme, host and port, no user info."""
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}:{port}"


class _Core:
    def __init__(self, url: str, credentials: Credentials | None, options: ClientOptions) -> None:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            # The message of httpx quotes nothing of the URL; ours must not either, as it may
            # hold a password.
            raise ConfigurationError(f"device URL is not a valid URL: {exc}") from None
        if parsed.userinfo or "@" in url.partition("//")[2].partition("/")[0]:
            raise ConfigurationError(
                "put the user name and password in the credentials, not in the device URL"
            )
        if parsed.scheme not in ("http", "https"):
            raise ConfigurationError("device URL must start with http:// or https://")
        if not parsed.host:
            raise ConfigurationError("device URL has no host")
        if options.tls.pin_sha256 is not None and parsed.scheme != "https":
            raise ConfigurationError("a certificate pin needs an https:// device URL")
        self.base_url = parsed.copy_with(path="/", query=None, fragment=None)
        self.name = device_name(parsed)
        self.options = options
        self.credentials = credentials
        self.auth: httpx.Auth | None = None
        if credentials is not None:
            if options.auth == "basic":
                if parsed.scheme == "http" and not options.allow_basic_over_http:
                    raise ConfigurationError(
                        "Basic authentication over plain HTTP sends the password in clear; "
                        "use HTTPS, Digest, or opt in with allow_basic_over_http=True"
                    )
                self.auth = BasicAuth(credentials)
            elif options.auth == "digest":
                self.auth = DigestAuth(credentials)
            else:
                raise ConfigurationError(f"unknown auth scheme {options.auth!r}")
        #: Set once the device has accepted these credentials.
        self.credentials_accepted = False
        self.timeout = httpx.Timeout(options.read_timeout, connect=options.connect_timeout)
        self.limits = httpx.Limits(max_connections=options.max_connections)

    def client_kwargs(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "timeout": self.timeout, "follow_redirects": False}

    def build(self, client: httpx.Client | httpx.AsyncClient, req: HttpRequest) -> httpx.Request:
        timeout = (
            self.timeout
            if req.timeout is None
            else httpx.Timeout(req.timeout, connect=self.options.connect_timeout)
        )
        return client.build_request(
            req.method,
            req.path,
            params=dict(req.params) if req.params is not None else None,
            data=dict(req.data) if req.data is not None else None,
            json=req.json,
            content=req.content,
            headers=dict(req.headers),
            timeout=timeout,
        )

    def auth_for(self, req: HttpRequest) -> httpx.Auth | None:
        return self.auth if req.authenticate else None

    def wants_role_probe(self, req: HttpRequest, response: httpx.Response) -> bool:
        """A 401 to credentials never accepted yet: wrong password, or a role too low?"""
        return (
            response.status_code == 401
            and "authorization" in response.request.headers
            and not self.credentials_accepted
            and req is not ROLE_PROBE
            and not (isinstance(self.auth, DigestAuth) and self.auth.offered_only_basic)
            and not _is_stale(response)
        )

    def role_probe_result(self, req: HttpRequest, probe_ok: bool) -> AxisError:
        if probe_ok:
            self.credentials_accepted = True
            return self._forbidden(req)
        return self._auth_failed(req)

    def _forbidden(self, req: HttpRequest) -> ForbiddenError:
        user = self.credentials.username if self.credentials else "anonymous"
        return ForbiddenError(f"the role of user {user!r} is too low for this call", api=req.api)

    def _auth_failed(self, req: HttpRequest) -> AuthenticationError:
        if self.credentials is None:
            return AuthenticationError("the device requires credentials", api=req.api)
        if isinstance(self.auth, DigestAuth) and self.auth.offered_only_basic:
            return AuthenticationError(
                "the device offers only Basic authentication; use auth='basic' over HTTPS",
                api=req.api,
            )
        return AuthenticationError(
            f"authentication failed for user {self.credentials.username!r}", api=req.api
        )

    def check(self, req: HttpRequest, response: httpx.Response) -> HttpResponse:
        status = response.status_code
        log.debug("%s %s %s -> %d", self.name, req.method, req.path, status)
        sent_credentials = "authorization" in response.request.headers
        if 200 <= status < 300 or status in req.accept_status:
            if sent_credentials and status != 401:
                self.credentials_accepted = True
            return HttpResponse(status, dict(response.headers), response.content)
        if status == 401:
            if _is_stale(response):
                raise AuthenticationError(
                    "the device rejected fresh nonces as stale; check its clock and nonce lifetime",
                    api=req.api,
                )
            if sent_credentials and self.credentials_accepted:
                raise self._forbidden(req)
            raise self._auth_failed(req)
        if status == 403:
            raise self._forbidden(req)
        if status == 404:
            raise UnsupportedAPIError(
                f"{req.path} not found: the device lacks this API", api=req.api
            )
        raise HTTPStatusError(
            f"unexpected HTTP {status} {response.reason_phrase}", status=status, api=req.api
        )

    def map_exception(self, req: HttpRequest, exc: Exception) -> AxisError:
        if isinstance(exc, AxisError):
            return exc
        if isinstance(exc, httpx.TimeoutException):
            return DeviceTimeoutError(f"timed out ({type(exc).__name__})", api=req.api)
        if isinstance(exc, httpx.ConnectError):
            if _has_ssl_cause(exc):
                return TLSError(f"TLS handshake failed: {_root_message(exc)}", api=req.api)
            return DeviceUnreachableError(f"cannot connect: {_root_message(exc)}", api=req.api)
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            return ConnectionLostError(f"connection lost: {_root_message(exc)}", api=req.api)
        if isinstance(exc, httpx.DecodingError):
            return MalformedResponseError(f"undecodable body: {exc}", api=req.api)
        if isinstance(exc, httpx.TransportError):
            return TransportError(f"{type(exc).__name__}: {_root_message(exc)}", api=req.api)
        raise exc

    def retry_delay(self, req: HttpRequest, error: AxisError, attempt: int) -> float | None:
        """Seconds to wait before another attempt, or ``None`` to give up."""
        if not req.idempotent or attempt >= self.options.retries:
            return None
        retriable = (isinstance(error, TransportError) and not isinstance(error, TLSError)) or (
            isinstance(error, HTTPStatusError) and error.status in RETRY_STATUSES
        )
        if not retriable:
            return None
        ceiling = min(self.options.max_backoff, self.options.backoff * 2**attempt)
        delay = random.uniform(ceiling / 2, ceiling)
        log.info("%s: %s; retry %d in %.2f s", self.name, error.message, attempt + 1, delay)
        return delay

    def finish(self, error: AxisError) -> AxisError:
        if error.device is None:
            error.device = self.name
        return error


def _is_stale(response: httpx.Response) -> bool:
    return any(
        "stale=true" in header.replace(" ", "").lower()
        for header in response.headers.get_list("www-authenticate")
    )


def _has_ssl_cause(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _root_message(exc: BaseException) -> str:
    seen: BaseException = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        nxt = seen.__cause__ or seen.__context__
        assert nxt is not None
        seen = nxt
    return str(seen) or type(seen).__name__


class SyncTransport:
    """Runs flows with a blocking httpx client."""

    def __init__(
        self, url: str, credentials: Credentials | None, options: ClientOptions | None = None
    ) -> None:
        self._core = _Core(url, credentials, options or ClientOptions())
        self._client = httpx.Client(
            **self._core.client_kwargs(),
            transport=sync_transport(self._core.options.tls, self._core.limits),
        )

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def options(self) -> ClientOptions:
        """The options this transport was made with (TLS trust, timeouts, auth scheme)."""
        return self._core.options

    def run(self, flow: Flow[T]) -> T:
        try:
            request = next(flow)
            while True:
                request = flow.send(self._send(request))
        except StopIteration as stop:
            result: T = stop.value
            return result
        except AxisError as error:
            raise self._core.finish(error) from error.__cause__

    def _send(self, req: HttpRequest) -> HttpResponse:
        attempt = 0
        while True:
            try:
                response = self._client.send(
                    self._core.build(self._client, req), auth=self._core.auth_for(req)
                )
                if self._core.wants_role_probe(req, response):
                    probe = self._client.send(
                        self._core.build(self._client, ROLE_PROBE), auth=self._core.auth
                    )
                    raise self._core.role_probe_result(req, probe.is_success)
                return self._core.check(req, response)
            except Exception as exc:
                error = self._core.map_exception(req, exc)
                delay = self._core.retry_delay(req, error, attempt)
                if delay is None:
                    raise error from (None if error is exc else exc)
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._client.close()


class AsyncTransport:
    """Runs flows with an asyncio httpx client."""

    def __init__(
        self, url: str, credentials: Credentials | None, options: ClientOptions | None = None
    ) -> None:
        self._core = _Core(url, credentials, options or ClientOptions())
        self._client = httpx.AsyncClient(
            **self._core.client_kwargs(),
            transport=async_transport(self._core.options.tls, self._core.limits),
        )

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def options(self) -> ClientOptions:
        """The options this transport was made with (TLS trust, timeouts, auth scheme)."""
        return self._core.options

    async def run(self, flow: Flow[T]) -> T:
        try:
            request = next(flow)
            while True:
                request = flow.send(await self._send(request))
        except StopIteration as stop:
            result: T = stop.value
            return result
        except AxisError as error:
            raise self._core.finish(error) from error.__cause__

    async def _send(self, req: HttpRequest) -> HttpResponse:
        attempt = 0
        while True:
            try:
                response = await self._client.send(
                    self._core.build(self._client, req), auth=self._core.auth_for(req)
                )
                if self._core.wants_role_probe(req, response):
                    probe = await self._client.send(
                        self._core.build(self._client, ROLE_PROBE), auth=self._core.auth
                    )
                    raise self._core.role_probe_result(req, probe.is_success)
                return self._core.check(req, response)
            except Exception as exc:
                error = self._core.map_exception(req, exc)
                delay = self._core.retry_delay(req, error, attempt)
                if delay is None:
                    raise error from (None if error is exc else exc)
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._client.aclose()
