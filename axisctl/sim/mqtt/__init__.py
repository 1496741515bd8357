"""The MQTT client and event bridge of a simulated device (``mqtt/client.cgi``, ``event.cgi``).

:class:`MqttBridge` holds what those CGIs configure and runs a real paho client against the
configured broker: it publishes the device's events that match the publication filters and
turns messages on subscribed topics into device events, which rules can act on.
"""

from axisctl.sim.mqtt.bridge import MqttBridge, Published
from axisctl.sim.mqtt.config import MqttConfigError
from axisctl.sim.mqtt.topics import (
    TOPIC_MQTT_CLIENT_STATUS,
    TOPIC_MQTT_STATEFUL,
    TOPIC_MQTT_STATELESS,
)

__all__ = [
    "TOPIC_MQTT_CLIENT_STATUS",
    "TOPIC_MQTT_STATEFUL",
    "TOPIC_MQTT_STATELESS",
    "MqttBridge",
    "MqttConfigError",
    "Published",
]
