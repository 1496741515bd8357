"""TLS settings: verification on by default, a custom CA bundle, or a pinned certificate.

Pinning is for devices with self-signed certificates: the chain is not verified, but the
SHA-256 fingerprint of the certificate the device presents must equal the pinned one. The
check runs inside the TLS handshake step of every new connection, before a single byte of the
request (credentials included) is written.
"""

from __future__ import annotations

import hashlib
import hmac
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpcore
import httpx

from axisctl.errors import CertificatePinMismatchError, ConfigurationError


def normalize_fingerprint(fingerprint: str) -> str:
    """Accept ``AB:CD:...``, ``ab cd ...`` or plain hex; return lower-case hex."""
    cleaned = "".join(ch for ch in fingerprint if ch not in ": ").lower()
    if len(cleaned) != 64 or any(ch not in "0123456789abcdef" for ch in cleaned):
        raise ConfigurationError(
            "a certificate pin must be a SHA-256 fingerprint: 64 hex digits, colons allowed"
        )
    return cleaned


def certificate_fingerprint(der: bytes) -> str:
    """SHA-256 fingerprint of a DER certificate as lower-case hex."""
    return hashlib.sha256(der).hexdigest()


@dataclass(frozen=True)
class TLSConfig:
    """How to trust a device's certificate.

    ``verify`` — verify the chain and host name against the system store (default) or, with
    ``ca_bundle``, against that PEM file. ``pin_sha256`` — accept exactly the certificate with
    this fingerprint, whoever signed it.
    """

    verify: bool = True
    ca_bundle: str | Path | None = None
    pin_sha256: str | None = None

    def ssl_context(self) -> ssl.SSLContext | bool:
        if self.pin_sha256 is not None:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if self.ca_bundle is not None:
            path = Path(self.ca_bundle)
            if not path.is_file():
                raise ConfigurationError(f"CA bundle {str(path)!r} is not a file")
            return ssl.create_default_context(cafile=str(path))
        return self.verify


def check_pin(stream: Any, pin: str) -> None:
    """Refuse a TLS connection whose certificate is not the pinned one.

    ``stream`` is anything with ``get_extra_info("ssl_object")``: httpcore's streams and
    asyncio transports (the websocket event stream) alike.
    """
    ssl_object = stream.get_extra_info("ssl_object")
    # Positional: the sync backend hands over the C-level _ssl._SSLSocket, whose
    # getpeercert() takes no keyword arguments.
    der = ssl_object.getpeercert(True) if ssl_object is not None else None
    if not der:
        raise CertificatePinMismatchError("device presented no certificate")
    seen = certificate_fingerprint(der)
    if not hmac.compare_digest(seen, pin):
        raise CertificatePinMismatchError(
            f"certificate fingerprint sha256:{seen} is not the pinned one"
        )


class _PinnedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, pin: str) -> None:
        self._inner = inner
        self._pin = pin

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.start_tls(ssl_context, server_hostname, timeout)
        try:
            check_pin(stream, self._pin)
        except CertificatePinMismatchError:
            stream.close()
            raise
        return stream

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    def __init__(self, pin: str) -> None:
        self._inner = httpcore.SyncBackend()
        self._pin = pin

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _PinnedStream(inner, self._pin)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncPinnedStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream, pin: str) -> None:
        self._inner = inner
        self._pin = pin

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        try:
            check_pin(stream, self._pin)
        except CertificatePinMismatchError:
            await stream.aclose()
            raise
        return stream

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _AsyncPinnedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, pin: str) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._pin = pin

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        inner = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _AsyncPinnedStream(inner, self._pin)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _pool_settings(config: TLSConfig, limits: httpx.Limits) -> dict[str, Any]:
    context = config.ssl_context()
    assert isinstance(context, ssl.SSLContext)
    return {
        "ssl_context": context,
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }


def sync_transport(config: TLSConfig, limits: httpx.Limits) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(verify=config.ssl_context(), limits=limits, trust_env=False)
    if config.pin_sha256 is not None:
        backend = _PinnedBackend(normalize_fingerprint(config.pin_sha256))
        pool = httpcore.ConnectionPool(**_pool_settings(config, limits), network_backend=backend)
        _replace_pool(transport, pool)
    return transport


def async_transport(config: TLSConfig, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(
        verify=config.ssl_context(), limits=limits, trust_env=False
    )
    if config.pin_sha256 is not None:
        backend = _AsyncPinnedBackend(normalize_fingerprint(config.pin_sha256))
        pool = httpcore.AsyncConnectionPool(
            **_pool_settings(config, limits), network_backend=backend
        )
        _replace_pool(transport, pool)
    return transport


def _replace_pool(transport: Any, pool: Any) -> None:
    # httpx has no public hook for the network backend; its transports keep the httpcore
    # pool in ``_pool``. tests/test_tls.py fails loudly if a new httpx moves it.
    if not hasattr(transport, "_pool"):
        raise ConfigurationError("this httpx version does not support certificate pinning")
    transport._pool = pool
