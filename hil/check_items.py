"""The check's first rows: who each device is, whether the MQTT broker answers; and how
each item of a rig is named and drawn (``path``) in the table."""

from __future__ import annotations

from collections.abc import Iterator

from axisctl.device import Device
from axisctl.hil.check import (
    CheckContext,
    CheckReport,
    CheckResult,
    Status,
    broker_reachable,
    error_text,
)
from axisctl.hil.rig_model import Direction, Rig, Sensor, Via, WiegandLink, Wire
from axisctl.hil.site import Site
from axisctl.sim.catalog import MODELS

__all__ = [
    "check_broker",
    "check_devices",
    "item_rows",
    "probe_endpoints",
    "sensor_path",
    "wiegand_path",
    "wire_path",
]

_VIA = {
    Via.RELAY: "relay",
    Via.OPTOCOUPLER: "optocoupler",
    Via.LEVEL_SHIFTER: "level shifter",
}


def _port(rig: Rig, wire: Wire) -> str:
    return f"{wire.device} port {wire.port} (pin {wire.pin})"


def wire_path(rig: Rig, wire: Wire) -> str:
    """``BCM 5 → relay relays/1 → gate-camera port 1 (pin 3)``, or the other way."""
    hops = [f"BCM {wire.bcm}"]
    if wire.relay is not None:
        hops.append(f"relay {wire.relay}")
    elif wire.via in _VIA:
        hops.append(_VIA[wire.via])
    hops.append(_port(rig, wire))
    if wire.direction is Direction.TO_PI:
        hops.reverse()
    return " → ".join(hops)


def sensor_path(sensor: Sensor) -> str:
    return f"{sensor.device} {sensor.watches} → {sensor.kind.value} sensor → BCM {sensor.bcm}"


def wiegand_path(link: WiegandLink) -> str:
    hops = [f"BCM {link.d0}/{link.d1} (D0/D1)"]
    if link.via in _VIA:
        hops.append(_VIA[link.via])
    hops.append(f"{link.device} reader connector")
    if link.direction is Direction.TO_PI:
        hops.reverse()
    return " → ".join(hops)


def item_rows(rig: Rig) -> Iterator[tuple[str, str, str, str | None]]:
    """``(item, kind, path, device)`` of every item the check has a row for, in the order
    :func:`~axisctl.hil.check.check_bench` checks them."""
    for device in rig.devices.values():
        yield device.name, "device", device.url or f"simulated {device.model}", device.name
    if rig.mqtt_broker is not None:
        yield "mqtt-broker", "broker", rig.mqtt_broker, None
    for sensor in rig.sensors.values():
        yield sensor.name, "sensor", sensor_path(sensor), sensor.device
    for direction in (Direction.TO_DEVICE, Direction.TO_PI):
        for wire in rig.wires.values():
            if wire.direction is direction:
                yield wire.name, direction.value, wire_path(rig, wire), wire.device
    used = {wire.relay for wire in rig.wires.values()}
    for board in rig.relay_boards.values():
        for channel in board.channels.values():
            if channel.ref not in used:
                yield channel.ref, "relay", f"BCM {channel.bcm} → relay {channel.ref}", None
    for link in rig.wiegand.values():
        yield link.name, "wiegand", wiegand_path(link), link.device
    if rig.osdp is not None:
        for reader in rig.osdp.readers.values():
            path = f"{rig.osdp.port or 'pty'} → {reader.device}, address {reader.address}"
            yield reader.name, "osdp", path, reader.device


def _identity(device: Device, model: str) -> tuple[Status, str]:
    """Ask the device who it is; compare with the rig file's model."""
    info = device.info.get(["ProdNbr", "ProdFullName"])
    shown = info.prod_full_name or info.prod_nbr or "an Axis device"
    expected = MODELS[model].prod_nbr
    found = (info.prod_nbr or "").upper()
    if found and not (found.startswith(expected.upper()) or expected.upper().startswith(found)):
        # Other models of a family answer the same APIs: worth a word, not a failure.
        return Status.OK, f"{shown}; the rig says {model} ({expected})"
    return Status.OK, shown


def probe_endpoints(rig: Rig, site: Site, report: CheckReport) -> dict[str, str]:
    """Ask each device of a started physical site who it is, before any bench opens.

    Adds a ``device`` row per device; returns the devices that did not answer, and why.
    """
    broken: dict[str, str] = {}
    for name, declared in rig.devices.items():
        endpoint = site.device_endpoint(name)
        try:
            with Device(
                endpoint.url, endpoint.user, endpoint.password, verify=endpoint.verify
            ) as device:
                status, detail = _identity(device, declared.model)
        except Exception as error:
            broken[name] = error_text(error)
            report.results.append(
                CheckResult(name, "device", endpoint.url, Status.ERROR, broken[name])
            )
            continue
        report.results.append(CheckResult(name, "device", endpoint.url, status, detail))
    return broken


def check_devices(context: CheckContext) -> None:
    """A ``device`` row each (unless :func:`probe_endpoints` already made them)."""
    bench = context.bench
    done = {r.item for r in context.report.results if r.kind == "device"}
    for name, declared in bench.rig.devices.items():
        if name in done:
            continue
        context.step(f"device {name}")
        path = bench.device_url(name)
        try:
            status, detail = _identity(bench.device(name), declared.model)
        except Exception as error:
            context.broken[name] = error_text(error)
            context.add(CheckResult(name, "device", path, Status.ERROR, context.broken[name]))
            continue
        context.add(CheckResult(name, "device", path, status, detail))


def check_broker(context: CheckContext) -> None:
    """Whether a TCP connection to the MQTT broker opens (the devices' broker)."""
    broker = context.bench.mqtt_broker
    if broker is None:
        return
    host, port = broker
    context.step("MQTT broker")
    why = broker_reachable(host, port, min(context.timeout, 5.0))
    path = f"{host}:{port}"
    if why is None:
        context.add(CheckResult("mqtt-broker", "broker", path, Status.OK, "accepts connections"))
    else:
        context.add(CheckResult("mqtt-broker", "broker", path, Status.ERROR, why))
