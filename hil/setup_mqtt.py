"""Publishing to the bench's MQTT broker as another site device would (the manual's "Camera 1").

    with BenchPublisher(bench.mqtt_broker) as camera:
        camera.publish("axisctl-hil/strobe", "On")      # retained: a late subscriber gets it
        ...
        camera.clear("axisctl-hil/strobe")              # the broker forgets the state

Messages are retained by default, since a device's stateful subscription takes the retained
state of its topic as soon as it subscribes; :meth:`BenchPublisher.clear` removes it so that
the next run does not start with a stale state.
"""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from axisctl.errors import ConfigurationError, DeviceUnreachableError
from axisctl.hil.lines import HilTimeout

__all__ = ["BenchPublisher"]


class BenchPublisher:
    """A plain MQTT client on the broker at ``(host, port)``; publishes and waits for the ack."""

    def __init__(self, broker: tuple[str, int], *, timeout: float = 5.0) -> None:
        self.host, self.port = broker
        self.timeout = timeout
        self._connected = threading.Event()
        # Unique ids: some brokers hand a repeated id the previous client's session.
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"axisctl-hil-{os.urandom(4).hex()}"
        )
        self._client.on_connect = self._on_connect
        self._refused: str | None = None
        self._started = False

    def __repr__(self) -> str:
        return f"<BenchPublisher {self.host}:{self.port}>"

    def _on_connect(
        self, client: object, userdata: object, flags: object, reason: Any, *_: object
    ) -> None:
        if getattr(reason, "is_failure", False):
            self._refused = str(reason)
        self._connected.set()

    def open(self) -> BenchPublisher:
        try:
            self._client.connect(self.host, self.port)
        except OSError as error:
            raise DeviceUnreachableError(
                f"cannot reach the MQTT broker at {self.host}:{self.port} ({error})"
            ) from None
        self._client.loop_start()
        self._started = True
        if not self._connected.wait(self.timeout):
            self.close()
            raise HilTimeout(f"the MQTT broker at {self.host}:{self.port} did not accept us")
        if self._refused is not None:
            self.close()
            raise DeviceUnreachableError(
                f"the MQTT broker at {self.host}:{self.port} refused the connection "
                f"({self._refused})"
            )
        return self

    def publish(self, topic: str, payload: str, *, retain: bool = True, qos: int = 1) -> None:
        """Publish and wait until the broker has it (QoS 1: its PUBACK)."""
        if not self._started:
            raise ConfigurationError("open the publisher (or use it in a with block) first")
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        try:
            info.wait_for_publish(self.timeout)
        except RuntimeError as error:
            # paho says the connection went away; a typed error says where.
            raise DeviceUnreachableError(
                f"lost the MQTT broker at {self.host}:{self.port} publishing {topic!r}: {error}"
            ) from None
        if not info.is_published():
            raise HilTimeout(f"the MQTT broker did not take {topic!r} in {self.timeout:g} s")

    def clear(self, topic: str) -> None:
        """Remove the retained message of ``topic`` (an empty retained message)."""
        self.publish(topic, "", retain=True)

    def close(self) -> None:
        if self._started:
            self._started = False
            self._client.disconnect()
            self._client.loop_stop()

    def __enter__(self) -> BenchPublisher:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
