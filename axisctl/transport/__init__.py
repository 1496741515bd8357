"""HTTP transport: auth, TLS, timeouts, retries and error mapping for sync and async calls."""

from axisctl.transport.auth import Credentials
from axisctl.transport.client import AsyncTransport, ClientOptions, SyncTransport
from axisctl.transport.flow import (
    API,
    AsyncMode,
    Flow,
    HttpRequest,
    HttpResponse,
    SyncMode,
    operation,
)
from axisctl.transport.tls import TLSConfig, certificate_fingerprint

__all__ = [
    "API",
    "AsyncMode",
    "AsyncTransport",
    "ClientOptions",
    "Credentials",
    "Flow",
    "HttpRequest",
    "HttpResponse",
    "SyncMode",
    "SyncTransport",
    "TLSConfig",
    "certificate_fingerprint",
    "operation",
]
