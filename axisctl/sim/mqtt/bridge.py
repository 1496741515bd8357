"""The MQTT client of a simulated device: a real paho client talking to a real broker.

State (configuration, active flag, connection status) lives here and, like all device
state, changes only under the device lock. The paho client runs its network loop in its
own thread (``loop_start``); its callbacks take the device lock before they touch state,
and check that they come from the current client, because a replaced client may still be
finishing in the background.

Nothing that waits for paho's thread (``loop_stop`` joins it) runs under the device lock:
the thread may itself be waiting for that lock in a callback. Stopping a client is handed
to a short-lived thread instead, and :meth:`MqttBridge.close` joins those threads after
letting go of the lock.
"""

from __future__ import annotations

import json
import logging
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from axisctl.events.filters import TopicFilter
from axisctl.sim.bus import EventBus, SimEvent
from axisctl.sim.clock import SimClock
from axisctl.sim.mqtt import config as cfg
from axisctl.sim.mqtt.topics import (
    DATA_PAYLOAD,
    SOURCE_DEVICE_PREFIX,
    SOURCE_TOPIC,
    TOPIC_MQTT_CLIENT_STATUS,
    TOPIC_MQTT_STATEFUL,
    TOPIC_MQTT_STATELESS,
    connection_payload,
    filter_matches,
    notification,
    source_path,
    topic_path,
)

log = logging.getLogger(__name__)

#: Seconds between reconnection attempts: paho doubles the wait from the first to the last.
RECONNECT_MIN_DELAY = 1
RECONNECT_MAX_DELAY = 4
#: How long a graceful stop waits for the disconnect message to leave.
FAREWELL_TIMEOUT = 2.0
#: Published messages kept in :attr:`MqttBridge.published` for tests to look at.
PUBLISHED_LIMIT = 1000


@dataclass(frozen=True)
class Published:
    """One message the device handed to its broker."""

    topic: str
    payload: str
    qos: int
    retain: bool


class MqttBridge:
    """``mqtt/client.cgi`` and ``mqtt/event.cgi`` state plus the client that acts on it."""

    def __init__(self, *, serial: str, clock: SimClock, bus: EventBus) -> None:
        self.serial = serial
        self.clock = clock
        self.lock = clock.lock
        self.bus = bus
        self.client_config: dict[str, Any] = cfg.default_client_config(serial)
        self._password: str | None = None
        self.publication: dict[str, Any] = cfg.default_publication()
        self.subscriptions: dict[str, Any] = cfg.default_subscriptions()
        self.active = False
        self.connected = False
        #: The broker's reason for refusing the last connection attempt, for tests and logs.
        self.last_refusal: str | None = None
        self.published: list[Published] = []
        #: Topics the broker acknowledged subscribing to (SUBACK), for tests to wait on.
        self.subscribed: list[str] = []
        self._pending_subscription: tuple[int, list[str]] | None = None
        self._client: mqtt.Client | None = None
        self._powered = True
        self._closed = False
        self._stoppers: list[threading.Thread] = []
        self._filters: list[tuple[TopicFilter, int, str]] = []
        bus.subscribe(self._on_bus_event)

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        link = "connected" if self.connected else "disconnected"
        return f"<MqttBridge {self.serial} {state} {link}>"

    @property
    def running(self) -> bool:
        """Whether a paho client exists: connected, or trying to connect."""
        return self._client is not None

    # --- client.cgi (call with the device lock held) --------------------------------------

    def configure_client(self, params: Mapping[str, Any]) -> None:
        config, password = cfg.parse_client_config(
            params, serial=self.serial, stored_password=self._password
        )
        farewell = self._farewell()
        self.client_config = config
        self._password = password
        if self.active:
            # New settings take effect at once: leave the broker and connect again.
            self._stop_client(farewell)
            self._start_client()
            self._publish_status()

    def activate(self) -> None:
        self.active = True
        if self._client is None:
            self._start_client()
        self._publish_status()

    def deactivate(self) -> None:
        if not self.active:
            return
        self.active = False
        self._stop_client(self._farewell())
        self._publish_status()

    def status(self) -> dict[str, Any]:
        return {
            "status": {
                "state": "active" if self.active else "inactive",
                "connectionStatus": "connected" if self.connected else "disconnected",
            },
            "config": cfg.echo_client_config(self.client_config, self._password),
        }

    # --- event.cgi (call with the device lock held) ---------------------------------------

    def configure_publication(self, params: Mapping[str, Any]) -> None:
        self.publication = cfg.parse_publication(params, self.publication)
        self._filters = [
            (TopicFilter(item["topicFilter"]), item["qos"], item["retain"])
            for item in self.publication["eventFilterList"]
        ]
        if self.connected:
            self._publish_current_state()

    def configure_subscriptions(self, params: Mapping[str, Any]) -> None:
        old = self._subscribed_topics()
        self.subscriptions = cfg.parse_subscriptions(params)
        client = self._client
        if client is not None and self.connected:
            if old:
                client.unsubscribe([topic for topic, _ in old])
            self.subscribed = []
            self._subscribe(client)

    # --- device life cycle ----------------------------------------------------------------

    def power_off(self) -> None:
        """A restart begins: the connection goes, the active flag survives (client API)."""
        self._powered = False
        self._stop_client(None)

    def power_on(self) -> None:
        self._powered = True
        if self.active and self._client is None:
            self._start_client()

    def factory_default(self) -> None:
        self.active = False
        self._stop_client(None)
        self.client_config = cfg.default_client_config(self.serial)
        self._password = None
        self.publication = cfg.default_publication()
        self.subscriptions = cfg.default_subscriptions()
        self._filters = []
        self._publish_status()

    def close(self) -> None:
        """Stop the client for good and wait for it; call without holding the device lock."""
        with self.lock:
            self._closed = True
            self._stop_client(None)
            stoppers, self._stoppers = self._stoppers, []
        for thread in stoppers:
            thread.join(timeout=10)

    # --- the paho client ------------------------------------------------------------------

    def _prefix(self) -> str:
        prefix: str = self.client_config["deviceTopicPrefix"]
        return prefix

    def _message(self, key: str, *, connected: bool, description: str) -> Published | None:
        message = self.client_config.get(key)
        if message is None:
            return None
        if not message["useDefault"]:
            return Published(
                message["topic"], message["message"], message["qos"], message["retain"]
            )
        wall = None if key == "lastWillTestament" else self.clock.wall()
        payload = connection_payload(
            self.serial, connected=connected, description=description, wall=wall
        )
        return Published(f"{self._prefix()}/event/connection", payload, 1, True)

    def _farewell(self) -> Published | None:
        if not self.connected:
            return None
        return self._message("disconnectMessage", connected=False, description="Disconnected")

    def _start_client(self) -> None:
        config = self.client_config
        server = config["server"]
        if self._closed or not self._powered or not server["host"]:
            return
        websockets = server["protocol"] in ("ws", "wss")
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=config["clientId"],
            clean_session=config["cleanSession"],
            protocol=mqtt.MQTTv311,
            transport="websockets" if websockets else "tcp",
            reconnect_on_failure=config["autoReconnect"],
        )
        if websockets:
            client.ws_set_options(path="/" + server.get("basepath", "").lstrip("/"))
        if server["protocol"] in ("ssl", "wss"):
            client.tls_set_context(self._tls_context())
        if config["username"]:
            client.username_pw_set(config["username"], self._password)
        will = self._message("lastWillTestament", connected=False, description="Connection Lost")
        if will is not None:
            client.will_set(will.topic, will.payload, will.qos, will.retain)
        client.connect_timeout = float(config["connectTimeout"])
        client.reconnect_delay_set(RECONNECT_MIN_DELAY, RECONNECT_MAX_DELAY)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        client.connect_async(server["host"], server["port"], keepalive=config["keepAliveInterval"])
        client.loop_start()
        self._client = client

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.client_config.get("ssl", {}).get("validateServerCert", False):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        alpn = self.client_config["server"].get("alpnProtocol")
        if alpn:
            context.set_alpn_protocols([alpn])
        return context

    def _stop_client(self, farewell: Published | None) -> None:
        client, self._client = self._client, None
        was_connected, self.connected = self.connected, False
        self.subscribed = []
        if client is None:
            return
        if was_connected and farewell is not None:
            self._record(farewell)
        thread = threading.Thread(
            target=_stop,
            args=(client, farewell if was_connected else None),
            name=f"axisctl-sim-mqtt-stop-{self.serial}",
            daemon=True,
        )
        self._stoppers = [t for t in self._stoppers if t.is_alive()]
        self._stoppers.append(thread)
        thread.start()

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        with self.lock:
            if client is not self._client:
                return
            if reason_code.is_failure:
                # paho tries again after its reconnect delay; the device stays disconnected.
                self.last_refusal = str(reason_code)
                return
            self.last_refusal = None
            self.connected = True
            hello = self._message("connectMessage", connected=True, description="Connected")
            if hello is not None:
                self._send(client, hello)
            self._subscribe(client)
            self._publish_status()
            self._publish_current_state()

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        with self.lock:
            if client is not self._client:
                return
            self.connected = False
            self.subscribed = []
            self._publish_status()
            if not self.client_config["autoReconnect"]:
                # paho's loop ends by itself (reconnect_on_failure=False); reap the client so
                # that activateClient can start a new one.
                self._stop_client(None)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self.lock:
            if client is not self._client:
                return
            entry = self._subscription_for(message.topic)
            if entry is None:
                return
            topic = message.topic
            if entry["useDeviceTopicPrefix"]:
                topic = topic.removeprefix(self._prefix() + "/")
            payload = message.payload.decode("utf-8", errors="replace")
            self.bus.publish(
                SimEvent(
                    TOPIC_MQTT_STATEFUL if entry["isStateData"] else TOPIC_MQTT_STATELESS,
                    {
                        SOURCE_TOPIC: topic,
                        SOURCE_DEVICE_PREFIX: "1" if entry["useDeviceTopicPrefix"] else "0",
                    },
                    {DATA_PAYLOAD: payload},
                    self.clock.now(),
                    stateful=entry["isStateData"],
                )
            )

    def _subscribe(self, client: mqtt.Client) -> None:
        topics = self._subscribed_topics()
        if topics:
            _, mid = client.subscribe(topics)
            if mid is not None:
                self._pending_subscription = (mid, [topic for topic, _ in topics])

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        with self.lock:
            pending = self._pending_subscription
            if client is not self._client or pending is None or pending[0] != mid:
                return
            self._pending_subscription = None
            self.subscribed = [
                topic
                for topic, code in zip(pending[1], reason_codes, strict=False)
                if not code.is_failure
            ]

    def _subscription_for(self, topic: str) -> dict[str, Any] | None:
        for entry in self.subscriptions["mqttFilterList"]:
            wanted = entry["topicFilter"]
            if entry["useDeviceTopicPrefix"]:
                wanted = f"{self._prefix()}/{wanted}"
            if filter_matches(wanted, topic):
                return dict(entry)
        return None

    def _subscribed_topics(self) -> list[tuple[str, int]]:
        topics = []
        for entry in self.subscriptions["mqttFilterList"]:
            topic = entry["topicFilter"]
            if entry["useDeviceTopicPrefix"]:
                topic = f"{self._prefix()}/{topic}"
            topics.append((topic, entry["qos"]))
        return topics

    # --- event publication ----------------------------------------------------------------

    def _on_bus_event(self, event: SimEvent) -> None:
        if self.connected:
            self._publish_event(event)

    def _publish_current_state(self) -> None:
        # Stateful events are published with their present state when the bridge starts
        # (connection or new filters), as an event subscription announces properties.
        for event in self.bus.current():
            self._publish_event(event)

    def _publish_event(self, event: SimEvent) -> None:
        client = self._client
        if client is None or not self._filters:
            return
        config = self.publication
        for topic_filter, qos, retain in self._filters:
            if not topic_filter.matches(event.topic):
                continue
            if config["topicPrefix"] == "custom":
                topic = config["customTopicPrefix"]
            else:
                topic = f"{self._prefix()}/event"
            if config["appendEventTopic"]:
                path = topic_path(event.topic, namespaces=config["includeTopicNamespaces"])
                topic = f"{topic}/{path}{source_path(event.source)}"
            body = notification(
                event.topic,
                event.source,
                event.key,
                event.data,
                timestamp_ms=int(self.clock.wall_at(event.time) * 1000),
                serial=self.serial if config["includeSerialNumberInPayload"] else None,
            )
            keep = retain == "all" or (retain == "property" and event.stateful)
            self._send(client, Published(topic, json.dumps(body), qos, keep))

    def _send(self, client: mqtt.Client, message: Published) -> None:
        client.publish(message.topic, message.payload, message.qos, message.retain)
        self._record(message)

    def _record(self, message: Published) -> None:
        self.published.append(message)
        if len(self.published) > PUBLISHED_LIMIT:
            del self.published[: len(self.published) - PUBLISHED_LIMIT]

    def _publish_status(self) -> None:
        self.bus.publish(
            SimEvent(
                TOPIC_MQTT_CLIENT_STATUS,
                {},
                {
                    "active": "1" if self.active else "0",
                    "connected": "1" if self.connected else "0",
                },
                self.clock.now(),
            )
        )


def _stop(client: mqtt.Client, farewell: Published | None) -> None:
    """Say goodbye if asked, leave the broker and end paho's thread (outside the lock)."""
    try:
        if farewell is not None:
            info = client.publish(farewell.topic, farewell.payload, farewell.qos, farewell.retain)
            info.wait_for_publish(timeout=FAREWELL_TIMEOUT)
        client.disconnect()
    except (RuntimeError, ValueError, OSError) as exc:
        # The link may already be gone; the thread must end all the same.
        log.debug("MQTT client stop: %s", exc)
    finally:
        client.loop_stop()
