"""MQTT client (``mqtt/client.cgi``) and event publication (``mqtt/event.cgi``)."""

from __future__ import annotations

from axisctl.transport.flow import API, ModeT


class MqttAPI(API[ModeT]):
    """The device's MQTT client (being filled in)."""
