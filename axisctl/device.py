"""The ``Device`` and ``AsyncDevice`` facades: one object per device, one attribute per API."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Generic, Literal

from axisctl.apis.access import AccessAPI
from axisctl.apis.apidiscovery import ApiDiscoveryAPI, ApiEntry
from axisctl.apis.basicdeviceinfo import BasicDeviceInfoAPI
from axisctl.apis.events import EventsAPI
from axisctl.apis.io import IOPortsAPI
from axisctl.apis.lpr import LprAppAPI
from axisctl.apis.mqtt import MqttAPI
from axisctl.apis.params import ParamsAPI
from axisctl.apis.pwdgrp import UsersAPI
from axisctl.apis.sirenlight import SirenLightAPI
from axisctl.apis.systemready import SystemReadyAPI
from axisctl.apis.virtualinput import VirtualInputAPI
from axisctl.transport.auth import Credentials
from axisctl.transport.client import AsyncTransport, ClientOptions, SyncTransport
from axisctl.transport.flow import API, AsyncMode, Flow, ModeT, SyncMode, operation
from axisctl.transport.tls import TLSConfig

#: APIs every device answers that API discovery does not list on all firmware.
ALWAYS_PRESENT = frozenset({"param-cgi", "systemready"})


def make_options(
    *,
    auth: Literal["digest", "basic"],
    verify: bool,
    ca_bundle: str | Path | None,
    pin_sha256: str | None,
    timeout: float,
    retries: int,
    allow_basic_over_http: bool,
) -> ClientOptions:
    return ClientOptions(
        auth=auth,
        allow_basic_over_http=allow_basic_over_http,
        tls=TLSConfig(verify=verify, ca_bundle=ca_bundle, pin_sha256=pin_sha256),
        read_timeout=timeout,
        retries=retries,
    )


class _Facade(API[ModeT], Generic[ModeT]):
    params: ParamsAPI[ModeT]
    info: BasicDeviceInfoAPI[ModeT]
    discovery: ApiDiscoveryAPI[ModeT]
    system: SystemReadyAPI[ModeT]
    users: UsersAPI[ModeT]
    io: IOPortsAPI[ModeT]
    virtual_inputs: VirtualInputAPI[ModeT]
    siren_light: SirenLightAPI[ModeT]
    events: EventsAPI[ModeT]
    mqtt: MqttAPI[ModeT]
    lpr: LprAppAPI[ModeT]
    access: AccessAPI[ModeT]

    def _bind(
        self, transport: SyncTransport | AsyncTransport, credentials: Credentials | None
    ) -> None:
        self._credentials = credentials
        self.params = ParamsAPI(transport)
        self.info = BasicDeviceInfoAPI(transport)
        self.discovery = ApiDiscoveryAPI(transport)
        self.system = SystemReadyAPI(transport)
        self.users = UsersAPI(transport)
        self.io = IOPortsAPI(transport)
        self.virtual_inputs = VirtualInputAPI(transport)
        self.siren_light = SirenLightAPI(transport)
        self.events = EventsAPI(transport)
        self.mqtt = MqttAPI(transport)
        self.lpr = LprAppAPI(transport)
        self.access = AccessAPI(transport)

    @property
    def url(self) -> str:
        """Scheme, host and port of the device."""
        return self._transport.name

    def connection_settings(self) -> tuple[str, Credentials | None, ClientOptions]:
        """URL, credentials and options: what a second kind of connection to the device needs.

        :func:`axisctl.events.stream.open_stream` uses it to open the websocket event stream
        with the same account and TLS trust as this device's HTTP calls.
        """
        return self._transport.name, self._credentials, self._transport.options

    def __repr__(self) -> str:
        user = f", user={self._credentials.username!r}" if self._credentials else ""
        return f"{type(self).__name__}({self._transport.name!r}{user})"

    @operation
    def available_apis(self) -> Flow[dict[str, ApiEntry]]:
        """The APIs this device offers, keyed by discovery id (``"siren-and-light"``)."""
        entries = yield from ApiDiscoveryAPI.list.flow(self.discovery)
        return {entry.id: entry for entry in entries}

    @operation
    def has_api(self, api_id: str) -> Flow[bool]:
        """Whether the device offers the API with this discovery id."""
        if api_id in ALWAYS_PRESENT:
            return True
        entries = yield from ApiDiscoveryAPI.list.flow(self.discovery)
        return any(entry.id == api_id for entry in entries)


class Device(_Facade[SyncMode]):
    """A device, called synchronously. Use as a context manager to close its connections.

    >>> with Device("http://192.168.0.90", "root", "secret") as cam:   # doctest: +SKIP
    ...     print(cam.params.brand().prod_full_name)
    """

    def __init__(
        self,
        url: str,
        user: str | None = None,
        password: str | None = None,
        *,
        auth: Literal["digest", "basic"] = "digest",
        verify: bool = True,
        ca_bundle: str | Path | None = None,
        pin_sha256: str | None = None,
        timeout: float = 15.0,
        retries: int = 2,
        allow_basic_over_http: bool = False,
        options: ClientOptions | None = None,
    ) -> None:
        credentials = _credentials(user, password)
        options = options or make_options(
            auth=auth,
            verify=verify,
            ca_bundle=ca_bundle,
            pin_sha256=pin_sha256,
            timeout=timeout,
            retries=retries,
            allow_basic_over_http=allow_basic_over_http,
        )
        transport = SyncTransport(url, credentials, options)
        super().__init__(transport)
        self._sync_transport = transport
        self._bind(transport, credentials)

    def close(self) -> None:
        self._sync_transport.close()

    def __enter__(self) -> Device:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncDevice(_Facade[AsyncMode]):
    """A device, called with ``await``. Use as an async context manager.

    >>> async with AsyncDevice("http://192.168.0.90", "root", "secret") as cam:  # doctest: +SKIP
    ...     print((await cam.params.brand()).prod_full_name)
    """

    def __init__(
        self,
        url: str,
        user: str | None = None,
        password: str | None = None,
        *,
        auth: Literal["digest", "basic"] = "digest",
        verify: bool = True,
        ca_bundle: str | Path | None = None,
        pin_sha256: str | None = None,
        timeout: float = 15.0,
        retries: int = 2,
        allow_basic_over_http: bool = False,
        options: ClientOptions | None = None,
    ) -> None:
        credentials = _credentials(user, password)
        options = options or make_options(
            auth=auth,
            verify=verify,
            ca_bundle=ca_bundle,
            pin_sha256=pin_sha256,
            timeout=timeout,
            retries=retries,
            allow_basic_over_http=allow_basic_over_http,
        )
        transport = AsyncTransport(url, credentials, options)
        super().__init__(transport)
        self._async_transport = transport
        self._bind(transport, credentials)

    async def aclose(self) -> None:
        await self._async_transport.aclose()

    async def __aenter__(self) -> AsyncDevice:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _credentials(user: str | None, password: str | None) -> Credentials | None:
    if user is None and password is None:
        return None
    if user is None or password is None:
        raise ValueError("give both a user name and a password, or neither")
    return Credentials(user, password)
