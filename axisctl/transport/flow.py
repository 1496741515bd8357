"""Sans-I/O description of device calls.

An API call is written once, as a generator that yields :class:`HttpRequest` objects and
receives :class:`HttpResponse` objects back, then returns its parsed result. The sync and
the async transports each drive the same generator; the API code never touches a socket.

The :class:`operation` decorator binds such a generator method to a transport: on an API
object bound to a sync device it runs the flow and returns the result, on one bound to an
async device it returns a coroutine. The type checker sees both signatures.
"""

from __future__ import annotations

import email.message
from collections.abc import Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, cast, overload

if TYPE_CHECKING:
    from axisctl.transport.client import AsyncTransport, SyncTransport

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request of a flow.

    ``idempotent`` allows the transport to retry it after a connection failure, a timeout or
    a 502/503/504. ``accept_status`` lists the non-2xx statuses the flow wants to see itself
    instead of having them mapped to exceptions.
    """

    method: str
    path: str
    api: str
    params: Mapping[str, str] | None = None
    data: Mapping[str, str] | None = None
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool = False
    authenticate: bool = True
    accept_status: frozenset[int] = frozenset()
    timeout: float | None = None


@dataclass(frozen=True)
class HttpResponse:
    """What the transport hands back to a flow."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        raw = self.headers.get("content-type")
        if not raw:
            return None
        message = email.message.Message()
        message["content-type"] = raw
        charset = message.get_param("charset")
        return charset if isinstance(charset, str) else None

    def text(self, default_charset: str = "utf-8") -> str:
        charset = self.charset or default_charset
        try:
            return self.content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            return self.content.decode(default_charset, errors="replace")


Flow = Generator[HttpRequest, HttpResponse, T]


class SyncMode:
    """Marker: API objects of this mode run calls to completion."""


class AsyncMode:
    """Marker: API objects of this mode return coroutines."""


ModeT = TypeVar("ModeT", SyncMode, AsyncMode)


class API(Generic[ModeT]):
    """Base of every API namespace (``device.params``, ``device.users`` ...)."""

    def __init__(self, transport: SyncTransport | AsyncTransport) -> None:
        self._transport = transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._transport.name}>"


ApiT = TypeVar("ApiT", bound="API[Any]")


class operation(Generic[ApiT, P, T]):
    """Turn a flow-returning method into a call on a sync or an async API object."""

    def __init__(self, flow_method: Callable[Concatenate[ApiT, P], Flow[T]]) -> None:
        self._flow_method = flow_method
        self.__doc__ = flow_method.__doc__
        self.__name__ = flow_method.__name__
        self.__wrapped__ = flow_method

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> operation[ApiT, P, T]: ...

    @overload
    def __get__(self, obj: API[SyncMode], owner: type[Any]) -> Callable[P, T]: ...

    @overload
    def __get__(
        self, obj: API[AsyncMode], owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    def __get__(self, obj: Any, owner: Any) -> Any:
        if obj is None:
            return self
        flow_method = self._flow_method
        transport = obj._transport

        def call(*args: Any, **kwargs: Any) -> Any:
            return transport.run(flow_method(obj, *args, **kwargs))

        call.__doc__ = flow_method.__doc__
        call.__name__ = flow_method.__name__
        return call

    def flow(self, api: API[Any], *args: P.args, **kwargs: P.kwargs) -> Flow[T]:
        """The bare flow, for composing calls inside other flows (``yield from``)."""
        return self._flow_method(cast(ApiT, api), *args, **kwargs)
