"""``axisctl mqtt``: the device's MQTT client and event publication (being filled in)."""

from __future__ import annotations
