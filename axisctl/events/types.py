"""Typed events of the topics axisctl knows, registered with :func:`event_type`.

Every property reads the strings the device sent in ``source``/``key``/``data`` and gives
``None`` for a missing or unparsable value: a device that sends something odd in one field
must not cost the caller the whole event, and the raw strings stay in ``.source`` and
``.data`` for anyone who needs them. Properties never raise.

Topic table and field meanings: vapix-wire-formats §3.5, §6.4 and §7.1; the simulator's
siren-and-light topic is axisctl's own (``axisctl/sim/sirenlight/service.py``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping

from axisctl.events.models import Event, event_type

__all__ = [
    "DigitalInputTriggerEvent",
    "InputPortEvent",
    "LicensePlateEvent",
    "LightStatusEvent",
    "ManualTriggerEvent",
    "OutputPortEvent",
    "RelayTriggerEvent",
    "SirenAndLightStatusEvent",
    "SupervisedPortEvent",
    "SystemReadyEvent",
    "VirtualInputEvent",
]

# Bounded, so that a megabyte of digits is refused cheaply (and never reaches int()'s
# 4300-digit limit, whose ValueError would be one more thing to catch).
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _text(items: Mapping[str, str], name: str) -> str | None:
    value = items.get(name)
    return value if isinstance(value, str) else None


def _nonempty(items: Mapping[str, str], name: str) -> str | None:
    """The value with surrounding blanks removed; ``None`` when missing or blank."""
    value = _text(items, name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _int(items: Mapping[str, str], name: str) -> int | None:
    value = _text(items, name)
    if value is None:
        return None
    value = value.strip()
    return int(value) if _INTEGER.fullmatch(value) else None


def _bool(items: Mapping[str, str], name: str) -> bool | None:
    """``"1"``/``"0"`` as devices send them; ``true``/``false`` (any case) as ONVIF does."""
    value = _text(items, name)
    if value is None:
        return None
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _choice(items: Mapping[str, str], name: str, allowed: frozenset[str]) -> str | None:
    value = _text(items, name)
    if value is None:
        return None
    value = value.strip().lower()
    return value if value in allowed else None


def _epoch_ms(items: Mapping[str, str], name: str) -> dt.datetime | None:
    value = _int(items, name)
    if value is None or value < 0:
        return None
    try:
        return dt.datetime.fromtimestamp(value / 1000, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


class _PortEvent(Event):
    """A physical I/O port event: source ``port`` is the 0-based index, data ``state``."""

    @property
    def index(self) -> int | None:
        """The 0-based port index as sent (``-1`` is the "any port" instance)."""
        return _int(self.source, "port")

    @property
    def port(self) -> int | None:
        """The 1-based port number of port.cgi and the web page; ``None`` for "any port"."""
        index = self.index
        return index + 1 if index is not None and index >= 0 else None

    @property
    def active(self) -> bool | None:
        """Whether the port is active (its circuit differs from its normal state)."""
        return _bool(self.data, "state")


@event_type("tns1:Device/tnsaxis:IO/Port")
class InputPortEvent(_PortEvent):
    """Digital input port changed (or its current state, on subscribing)."""


@event_type("tns1:Device/tnsaxis:IO/OutputPort")
class OutputPortEvent(_PortEvent):
    """Digital output port changed.

    ``active`` reads ``1``/``0`` (what AXIS OS and the simulator send); the older ``high``/
    ``low`` wording names a level, not whether the port is active, so it gives ``None``.
    """


@event_type("tns1:Device/tnsaxis:IO/VirtualInput")
class VirtualInputEvent(Event):
    """Virtual input set high or low (``virtualinput/activate.cgi``, rules)."""

    @property
    def port(self) -> int | None:
        """The 1-based virtual input number."""
        return _int(self.source, "port")

    @property
    def active(self) -> bool | None:
        return _bool(self.data, "active")


@event_type("tns1:Device/tnsaxis:IO/VirtualPort")
class ManualTriggerEvent(Event):
    """Manual trigger (``VirtualPort``) switched on or off."""

    @property
    def port(self) -> int | None:
        """The manual trigger's number as the device sends it (1 on single-trigger devices)."""
        return _int(self.source, "port")

    @property
    def active(self) -> bool | None:
        return _bool(self.data, "state")


SUPERVISED_STATES = frozenset({"open", "closed", "cut", "shorted", "undefined"})


@event_type("tns1:Device/tnsaxis:IO/SupervisedPort")
class SupervisedPortEvent(Event):
    """Supervised input changed: the wiring state, including cut and shorted cables."""

    @property
    def port(self) -> int | None:
        """The port as the device sends it in source ``port``."""
        return _int(self.source, "port")

    @property
    def state(self) -> str | None:
        """``open``, ``closed``, ``cut``, ``shorted`` or ``undefined``; else ``None``."""
        return _choice(self.data, "state", SUPERVISED_STATES)

    @property
    def tampered(self) -> bool | None:
        """True for a cut or shorted cable, the states a supervised input exists to catch."""
        state = self.state
        return None if state is None else state in ("cut", "shorted")


@event_type("tns1:Device/Trigger/DigitalInput")
class DigitalInputTriggerEvent(Event):
    """ONVIF digital input trigger: ``InputToken`` and a boolean ``LogicalState``."""

    @property
    def input_token(self) -> str | None:
        return _nonempty(self.source, "InputToken")

    @property
    def logical_state(self) -> bool | None:
        return _bool(self.data, "LogicalState")


RELAY_STATES = frozenset({"active", "inactive"})


@event_type("tns1:Device/Trigger/Relay")
class RelayTriggerEvent(Event):
    """ONVIF relay trigger: ``RelayToken`` and ``LogicalState`` ``active``/``inactive``."""

    @property
    def relay_token(self) -> str | None:
        return _nonempty(self.source, "RelayToken")

    @property
    def logical_state(self) -> str | None:
        """``"active"`` or ``"inactive"``; ``None`` for anything else."""
        return _choice(self.data, "LogicalState", RELAY_STATES)

    @property
    def active(self) -> bool | None:
        state = self.logical_state
        return None if state is None else state == "active"


@event_type("tns1:Device/tnsaxis:Status/SystemReady")
class SystemReadyEvent(Event):
    """The device finished (or left, on restart) starting up."""

    @property
    def ready(self) -> bool | None:
        return _bool(self.data, "ready")


@event_type("tns1:Device/tnsaxis:Light/Status")
class LightStatusEvent(Event):
    """A light (illuminator, strobe) went on or off: source ``id``, data ``state`` ON/OFF."""

    @property
    def light_id(self) -> int | None:
        return _int(self.source, "id")

    @property
    def on(self) -> bool | None:
        return _bool(self.data, "state")


@event_type("tns1:Device/tnsaxis:SirenAndLight/Status")
class SirenAndLightStatusEvent(Event):
    """What the siren or the light of a strobe plays now (the simulator's status topic).

    Source ``channel`` (``siren``/``light``); data ``pattern``, ``priority``, ``profile``,
    all empty (priority ``0``) when nothing plays.
    """

    @property
    def channel(self) -> str | None:
        return _nonempty(self.source, "channel")

    @property
    def pattern(self) -> str | None:
        """The pattern playing; ``None`` when nothing plays."""
        return _nonempty(self.data, "pattern")

    @property
    def priority(self) -> int | None:
        return _int(self.data, "priority")

    @property
    def profile(self) -> str | None:
        """The profile that plays it; ``None`` when nothing plays."""
        return _nonempty(self.data, "profile")

    @property
    def playing(self) -> bool | None:
        pattern = _text(self.data, "pattern")
        return None if pattern is None else bool(pattern.strip())


ALPV_PREFIX = "tnsaxis:CameraApplicationPlatform/ALPV."
DIRECTIONS = frozenset({"in", "out", "unknown"})
CAR_STATES = frozenset({"new", "update", "lost"})
LIST_MODES = frozenset({"allow", "block", "none"})


@event_type(ALPV_PREFIX + "*")
class LicensePlateEvent(Event):
    """AXIS License Plate Verifier (``ALPV.<name>``): plate reads and list/zone states.

    ``ALPV.AllPlates`` (and ``New``/``Update``/``Lost``) carry the read in ``data``; list,
    ROI and direction topics (``Allow_list``, ``Roi1``, ``PlateIN`` ...) are stateful with
    data ``active``. Fields this class does not name stay in ``.data``.
    """

    @property
    def name(self) -> str:
        """The part after ``ALPV.``: ``AllPlates``, ``Block_list``, ``Roi1`` ..."""
        return self.topic[len(ALPV_PREFIX) :] if self.topic.startswith(ALPV_PREFIX) else ""

    @property
    def plate(self) -> str | None:
        """The plate text as read (``text``)."""
        return _nonempty(self.data, "text")

    @property
    def country(self) -> str | None:
        """ISO 3166-1 alpha-3 country code of the plate (``country``), e.g. ``PRT``."""
        return _nonempty(self.data, "country")

    @property
    def region(self) -> str | None:
        return _nonempty(self.data, "region")

    @property
    def region_code(self) -> str | None:
        return _nonempty(self.data, "regionCode")

    @property
    def direction(self) -> str | None:
        """``in``, ``out`` or ``unknown`` (``carMoveDirection``; always unknown on NEW)."""
        return _choice(self.data, "carMoveDirection", DIRECTIONS)

    @property
    def car_state(self) -> str | None:
        """``new`` on the first read, ``update`` on a change, ``lost`` after the timeout."""
        return _choice(self.data, "carState", CAR_STATES)

    @property
    def car_id(self) -> str | None:
        """Ties the NEW, UPDATE and LOST events of one vehicle together (``carID``)."""
        return _nonempty(self.data, "carID")

    @property
    def list_name(self) -> str | None:
        """The list the plate is on (``listName``); ``None`` when on none."""
        return _nonempty(self.data, "listName")

    @property
    def list_mode(self) -> str | None:
        """``allow``, ``block`` or ``none`` (``listMode``)."""
        return _choice(self.data, "listMode", LIST_MODES)

    @property
    def list_description(self) -> str | None:
        return _nonempty(self.data, "listDescription")

    @property
    def action(self) -> str | None:
        """What the app did, e.g. ``Accepted``, ``Denied``, ``No action``."""
        return _nonempty(self.data, "action")

    @property
    def roi_id(self) -> int | None:
        return _int(self.data, "roiID")

    @property
    def vehicle_type(self) -> str | None:
        """``CAR``, ``TRUCK``, ``BUS`` ... (``vehicleType``)."""
        return _nonempty(self.data, "vehicleType")

    @property
    def vehicle_color(self) -> str | None:
        return _nonempty(self.data, "vehicleColor")

    @property
    def view(self) -> str | None:
        """``front`` or ``rear`` as sent (``view``)."""
        return _nonempty(self.data, "view")

    @property
    def capture_time(self) -> dt.datetime | None:
        """When the plate was captured (``capture_timestamp``, epoch milliseconds)."""
        return _epoch_ms(self.data, "capture_timestamp")

    @property
    def processing_ms(self) -> int | None:
        """Time the app spent on the read (``consumedTime``)."""
        return _int(self.data, "consumedTime")

    @property
    def plate_box(self) -> tuple[int, int, int, int] | None:
        """``(left, top, width, height)`` of the plate in the image, in pixels."""
        values = [_int(self.data, name) for name in ("left", "top", "width", "height")]
        if any(value is None for value in values):
            return None
        left, top, width, height = (value or 0 for value in values)
        return (left, top, width, height)

    @property
    def plate_image(self) -> bytes | None:
        """The plate crop (``lpImage``, base64, ALPV 2.9.19 and later), decoded."""
        text = _nonempty(self.data, "lpImage")
        if text is None:
            return None
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None

    @property
    def active(self) -> bool | None:
        """For the stateful list, ROI and direction topics: whether it holds now."""
        return _bool(self.data, "active")
