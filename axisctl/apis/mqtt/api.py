"""``mqtt/client.cgi`` and ``mqtt/event.cgi``: the calls, each a flow for sync and async devices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from axisctl.apis.mqtt.errors import CLIENT_API, EVENT_API, from_device_error
from axisctl.apis.mqtt.models import (
    ClientConfig,
    ClientStatus,
    EventPublicationConfig,
    MqttSubscription,
)
from axisctl.errors import DeviceError, MalformedResponseError, ParseError
from axisctl.transport.flow import API, Flow, ModeT, operation
from axisctl.transport.jsonrpc import json_call, supported_versions

CLIENT_PATH = "/axis-cgi/mqtt/client.cgi"
EVENT_PATH = "/axis-cgi/mqtt/event.cgi"
#: Versions the calls ask for; subscriptions arrived with event bridge 1.1.
CLIENT_VERSION = "1.0"
EVENT_VERSION = "1.0"
SUBSCRIPTION_VERSION = "1.1"

T = TypeVar("T")


def _call(
    api: str,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    version: str,
) -> Flow[dict[str, Any]]:
    # Every call may be repeated with the same outcome, so the transport may retry it.
    path = CLIENT_PATH if api == CLIENT_API else EVENT_PATH
    try:
        return (
            yield from json_call(
                api=api,
                path=path,
                method=method,
                params=params,
                api_version=version,
                idempotent=True,
            )
        )
    except DeviceError as exc:
        raise from_device_error(exc) from None


def _parse(api: str, method: str, parser: Callable[[Any], T], value: Any) -> T:
    try:
        return parser(value)
    except ParseError as exc:
        raise MalformedResponseError(f"{method}: {exc.message}", api=api) from None


class MqttAPI(API[ModeT]):
    """The device's MQTT client, the events it publishes and the topics it subscribes to.

    Settings are checked before they are sent (:class:`InvalidMqttSettingError`); pass
    ``validate=False`` to send them as they are and see what the device says.
    """

    # --- client.cgi ---------------------------------------------------------------------

    @operation
    def supported_versions(self) -> Flow[list[str]]:
        """Versions of the MQTT client API (``mqtt/client.cgi``)."""
        return (yield from supported_versions(api=CLIENT_API, path=CLIENT_PATH))

    @operation
    def configure_client(self, config: ClientConfig, *, validate: bool = True) -> Flow[None]:
        """Replace the client's configuration; an active client reconnects with it."""
        if validate:
            config.validate()
        yield from _call(CLIENT_API, "configureClient", config.to_json(), version=CLIENT_VERSION)

    @operation
    def activate(self) -> Flow[None]:
        """Switch the client on: it connects, and stays on over reboots."""
        yield from _call(CLIENT_API, "activateClient", {}, version=CLIENT_VERSION)

    @operation
    def deactivate(self) -> Flow[None]:
        """Switch the client off: it sends its disconnect message, if any, and leaves."""
        yield from _call(CLIENT_API, "deactivateClient", {}, version=CLIENT_VERSION)

    @operation
    def status(self) -> Flow[ClientStatus]:
        """Active or not, connected or not, and the configuration (password masked)."""
        data = yield from _call(CLIENT_API, "getClientStatus", {}, version=CLIENT_VERSION)
        return _parse(CLIENT_API, "getClientStatus", ClientStatus.from_json, data)

    # --- event.cgi ----------------------------------------------------------------------

    @operation
    def event_bridge_versions(self) -> Flow[list[str]]:
        """Versions of the MQTT event bridge API (``mqtt/event.cgi``)."""
        return (yield from supported_versions(api=EVENT_API, path=EVENT_PATH))

    @operation
    def configure_publication(
        self, config: EventPublicationConfig, *, validate: bool = True
    ) -> Flow[None]:
        """Set which events the device publishes, and the topic and payload they get.

        The filter list is replaced as a whole.
        """
        if validate:
            config.validate()
        yield from _call(
            EVENT_API, "configureEventPublication", config.to_json(), version=EVENT_VERSION
        )

    @operation
    def publication_config(self) -> Flow[EventPublicationConfig]:
        """The event publication configuration."""
        data = yield from _call(EVENT_API, "getEventPublicationConfig", version=EVENT_VERSION)
        return _parse(
            EVENT_API,
            "getEventPublicationConfig",
            lambda d: EventPublicationConfig.from_json(d.get("eventPublicationConfig")),
            data,
        )

    @operation
    def configure_subscriptions(
        self, subscriptions: Sequence[MqttSubscription], *, validate: bool = True
    ) -> Flow[None]:
        """Replace the MQTT topics the device subscribes to (event bridge 1.1)."""
        if validate:
            for subscription in subscriptions:
                subscription.validate()
        params = {"mqttFilterList": [s.to_json() for s in subscriptions]}
        yield from _call(
            EVENT_API, "configureMqttSubscription", params, version=SUBSCRIPTION_VERSION
        )

    @operation
    def subscriptions(self) -> Flow[list[MqttSubscription]]:
        """The MQTT topics the device subscribes to."""
        data = yield from _call(
            EVENT_API, "getMqttSubscriptionConfig", version=SUBSCRIPTION_VERSION
        )

        def parse(value: Any) -> list[MqttSubscription]:
            if not isinstance(value, dict):
                raise ParseError("mqttSubscriptionConfig is missing")
            items = value.get("mqttFilterList") or []
            if not isinstance(items, list):
                raise ParseError("mqttSubscriptionConfig.mqttFilterList is not a list")
            return [
                MqttSubscription.from_json(item, f"mqttFilterList[{index}]")
                for index, item in enumerate(items)
            ]

        return _parse(
            EVENT_API,
            "getMqttSubscriptionConfig",
            lambda d: parse(d.get("mqttSubscriptionConfig")),
            data,
        )
