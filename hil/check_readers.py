"""The check of sensors, Wiegand links and OSDP readers.

- **sensor**: start a pattern on the watched strobe through ``device.siren_light`` (a
  steady light for a light sensor watching ``light...``, a siren for a microphone watching
  ``siren``), watch the sensor's line, stop the pattern.
- **Wiegand** (Pi to device): send a test card, wait for the device's card-read (or
  access) event; a card read with every bit flipped means D0 and D1 are swapped.
- **OSDP**: the reader emulator comes online, that is, the device polls it.

Both reader checks need the intercom to listen on its reader connector ("Use external
reader"): when it is off, the check turns it on and puts it back at the end.
"""

from __future__ import annotations

import contextlib
import time

from axisctl.apis.access.settings import ReaderSettings
from axisctl.apis.sirenlight import (
    ActivityNotFoundError,
    LightSettings,
    SirenLightAPI,
    SirenSettings,
)
from axisctl.apis.sirenlight.status import StartedActivity
from axisctl.drivers.wiegand import WiegandFormat, encode
from axisctl.events.models import Event
from axisctl.hil.check import CheckContext, CheckResult, Status, error_text
from axisctl.hil.check_items import sensor_path, wiegand_path
from axisctl.hil.check_wires import watch_input
from axisctl.hil.lines import HilTimeout
from axisctl.hil.rig_model import Direction, Sensor, SensorKind, WiegandLink
from axisctl.sim.catalog import MODELS
from axisctl.transport.flow import SyncMode

__all__ = ["TEST_CARD", "check_osdp", "check_sensors", "check_wiegand"]

#: The card the Wiegand check sends (H10301, facility, number): not symmetric, so a
#: swap of D0 and D1 shows.
TEST_CARD = (WiegandFormat.H10301, 42, 4242)
_LIGHT = LightSettings(pattern="Steady")
_SIREN = SirenSettings(pattern="Alarm: Alarm high pitch")
#: The least time the OSDP check waits for a reader to be polled (a control panel that has
#: just been turned on identifies the reader first).
_OSDP_MIN_WAIT = 10.0


def _stimulus(context: CheckContext, sensor: Sensor) -> tuple[str | None, str]:
    """(``"light"``/``"siren"``, "") or (None, why the check cannot make it happen)."""
    model = context.bench.rig.devices[sensor.device].model
    if not any(api.id == "siren-and-light" for api in MODELS[model].apis):
        return None, f"{sensor.device} ({model}) has no light or siren the check can switch"
    watches = sensor.watches.lower()
    if sensor.kind is SensorKind.LIGHT and watches.startswith("light"):
        return "light", ""
    if sensor.kind is SensorKind.MICROPHONE and watches.startswith("siren"):
        return "siren", ""
    return None, f"the check cannot make {sensor.device} show its {sensor.watches!r}"


def check_sensors(context: CheckContext) -> None:
    for sensor in context.bench.rig.sensors.values():
        path = sensor_path(sensor)
        if sensor.device in context.broken:
            why = f"{sensor.device} did not answer: {context.broken[sensor.device]}"
            context.add(CheckResult(sensor.name, "sensor", path, Status.SKIPPED, why))
            continue
        what, why = _stimulus(context, sensor)
        if what is None:
            context.add(CheckResult(sensor.name, "sensor", path, Status.SKIPPED, why))
            continue
        context.step(f"sensor {sensor.name}")
        try:
            status, detail = _check_sensor(context, sensor, what)
        except Exception as error:
            status, detail = Status.ERROR, error_text(error)
        context.add(CheckResult(sensor.name, "sensor", path, status, detail))


def _check_sensor(context: CheckContext, sensor: Sensor, what: str) -> tuple[Status, str]:
    api = context.bench.device(sensor.device).siren_light
    started: list[StartedActivity] = []

    def start() -> None:
        if what == "light":
            started.append(api.start_pattern(light=_LIGHT))
        else:
            started.append(api.start_pattern(siren=_SIREN))
        ids = started[-1]
        context.undo_later(
            f"stop the check's {what} on {sensor.device}",
            lambda: _stop(api, ids),
        )

    def stop() -> None:
        if started:
            _stop(api, started.pop())

    driver = f"{sensor.device}'s {what}"
    status, detail = watch_input(context, sensor.name, start, stop, False, driver)
    if status is Status.NO_CHANGE and what == "siren":
        detail += " (is the strobe in maintenance mode? it silences the siren)"
    return status, detail


def _stop(api: SirenLightAPI[SyncMode], ids: StartedActivity) -> None:
    if ids.siren_id is None and ids.light_id is None:
        return
    # Gone already (stopped right after the observation): nothing left to do.
    with contextlib.suppress(ActivityNotFoundError):
        api.stop_ids(siren_id=ids.siren_id, light_id=ids.light_id)


def _reader_connector(context: CheckContext, device: str) -> ReaderSettings:
    """The intercom's reader settings, with the external reader turned on for the check."""
    access = context.bench.device(device).access
    settings = access.reader_settings()
    if not settings.external_reader:
        access.update_reader_settings(external_reader=True)
        context.report.notes.append(
            f"turned {device}'s external reader on for the check (and off again after)"
        )
        context.undo_later(
            f"turn {device}'s external reader off again",
            lambda: access.update_reader_settings(external_reader=False),
        )
    return settings


def check_wiegand(context: CheckContext) -> None:
    for link in context.bench.rig.wiegand.values():
        path = wiegand_path(link)
        if link.device in context.broken:
            why = f"{link.device} did not answer: {context.broken[link.device]}"
            context.add(CheckResult(link.name, "wiegand", path, Status.SKIPPED, why))
            continue
        if link.direction is Direction.TO_PI:
            why = (
                f"the Pi listens on this link: present a card at {link.device}'s reader to "
                "see it (the check cannot)"
            )
            context.add(CheckResult(link.name, "wiegand", path, Status.SKIPPED, why))
            continue
        context.step(f"Wiegand {link.name}")
        try:
            status, detail = _check_wiegand(context, link)
        except Exception as error:
            status, detail = Status.ERROR, error_text(error)
        context.add(CheckResult(link.name, "wiegand", path, status, detail))


def _is_card_event(event: Event) -> bool:
    return "IdPoint" in event.topic or "AccessControl" in event.topic


def _check_wiegand(context: CheckContext, link: WiegandLink) -> tuple[Status, str]:
    _reader_connector(context, link.device)
    form, facility, number = TEST_CARD
    frame = encode(form, card=number, facility=facility)
    sent = int(frame.to_text(), 2)
    events = context.bench.events(link.device)
    t0 = context.bench.wiegand(link.name).send_card(form, facility, number)
    try:
        events.wait_for("", after=t0, timeout=context.timeout, where=_is_card_event)
    except HilTimeout:
        return Status.NO_CHANGE, (
            f"{link.device} reported no card read within {context.timeout:g} s (wiring, "
            "the level shifter, or the device takes no Wiegand reader)"
        )
    for _when, event in events.received(t0):
        card = event.data.get("Card")
        if not _is_card_event(event) or not card:
            continue
        bits = int(event.data.get("BitCount", frame.bit_count))
        read = int(card, 16)
        if bits == frame.bit_count and read == sent:
            return Status.OK, f"{link.device} read facility {facility}, card {number}"
        if bits == frame.bit_count and read == sent ^ ((1 << bits) - 1):
            return Status.WRONG_LINE, "every bit arrived flipped: D0 and D1 are swapped"
        return Status.ERROR, (
            f"{link.device} read {bits} bits {read:x} for the {frame.bit_count} bits "
            f"{sent:x} sent (timing? see docs/readers-wiegand.md)"
        )
    return Status.OK, f"{link.device} reported a card read"


def check_osdp(context: CheckContext) -> None:
    rig = context.bench.rig
    if rig.osdp is None:
        return
    for reader in rig.osdp.readers.values():
        path = f"{rig.osdp.port or 'pty'} → {reader.device}, address {reader.address}"
        if reader.device in context.broken:
            why = f"{reader.device} did not answer: {context.broken[reader.device]}"
            context.add(CheckResult(reader.name, "osdp", path, Status.SKIPPED, why))
            continue
        context.step(f"OSDP reader {reader.name}")
        try:
            settings = _reader_connector(context, reader.device)
            emulator = context.bench.osdp_reader(reader.name)
            wait = max(context.timeout, _OSDP_MIN_WAIT)
            deadline = time.monotonic() + wait
            while not emulator.online and time.monotonic() < deadline:
                time.sleep(context.poll)
            if emulator.online:
                status, detail = Status.OK, f"polled by {reader.device}"
            else:
                status, detail = Status.NO_CHANGE, _osdp_hint(reader.address, settings, wait)
        except Exception as error:
            status, detail = Status.ERROR, error_text(error)
        context.add(CheckResult(reader.name, "osdp", path, status, detail))


def _osdp_hint(address: int, settings: ReaderSettings, waited: float) -> str:
    hint = f"not polled within {waited:g} s: swap A and B, check ground and the baud rate"
    if settings.osdp_address != address:
        hint += f"; the device polls address {settings.osdp_address}, the rig says {address}"
    return hint
