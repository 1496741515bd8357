"""The parameter tree of a simulated device, with per-parameter access levels and types."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from axisctl.codecs import param_text
from axisctl.sim.accounts import Level
from axisctl.sim.catalog import ModelSpec


@dataclass(frozen=True)
class Param:
    value: str
    read: Level = Level.VIEWER
    write: Level | None = None  # None: read-only
    choices: tuple[str, ...] | None = None
    int_range: tuple[int, int] | None = None
    max_length: int = 255

    def accepts(self, value: str) -> bool:
        if len(value) > self.max_length:
            return False
        try:
            param_text.check_value("", value)
        except ValueError:
            return False
        if self.choices is not None and value not in self.choices:
            return False
        if self.int_range is not None:
            if not re.fullmatch(r"-?\d+", value):
                return False
            low, high = self.int_range
            return low <= int(value) <= high
        return True


YES_NO = ("yes", "no")

#: Dynamic groups that ``action=add`` may create: template -> (group, parameter defaults).
TEMPLATES: dict[str, tuple[str, dict[str, Param]]] = {
    "streamprofile": (
        "StreamProfile",
        {
            "Name": Param("", write=Level.OPERATOR, max_length=64),
            "Description": Param("", write=Level.OPERATOR),
            "Parameters": Param("", write=Level.OPERATOR),
        },
    ),
}


def matches(name: str, pattern: str) -> bool:
    """Does ``name`` lie in the group ``pattern`` (``*`` matches one segment)?"""
    name_parts = name.split(".")
    pattern_parts = pattern.split(".")
    if len(pattern_parts) > len(name_parts):
        return False
    head = name_parts[: len(pattern_parts)]
    return all(p in ("*", n) for p, n in zip(pattern_parts, head, strict=True))


class ParamStore:
    def __init__(self, params: Mapping[str, Param]) -> None:
        self._params: dict[str, Param] = dict(params)
        self._listeners: list[Callable[[frozenset[str]], None]] = []

    def on_change(self, listener: Callable[[frozenset[str]], None]) -> None:
        """Call ``listener`` with the names of every update applied through :meth:`apply`."""
        self._listeners.append(listener)

    def reset(self, params: Mapping[str, Param]) -> None:
        """Replace every parameter (a factory default); listeners stay registered."""
        self._params = dict(params)

    def __contains__(self, name: str) -> bool:
        return name in self._params

    def value(self, name: str) -> str:
        return self._params[name].value

    def set_value(self, name: str, value: str) -> None:
        """Set a value directly (device-internal changes, not subject to access checks)."""
        self._params[name] = replace(self._params[name], value=value)

    def listing(
        self, groups: Iterable[str] | None, level: Level
    ) -> tuple[dict[str, str], list[str]]:
        """Values of the groups readable at ``level``; one error per group with nothing to show."""
        readable = {n: p for n, p in self._params.items() if p.read <= level}
        if groups is None:
            return {n: p.value for n, p in readable.items()}, []
        values: dict[str, str] = {}
        errors: list[str] = []
        for group in groups:
            found = {n: p.value for n, p in readable.items() if matches(n, group)}
            if not found:
                errors.append(f"Error -1 getting param in group '{group}'")
            values.update(found)
        return values, errors

    def check_update(self, updates: Mapping[str, str], level: Level) -> tuple[str | None, bool]:
        """Validate all updates before applying any: (error message, role too low)."""
        for name, value in updates.items():
            param = self._params.get(name)
            if param is None or param.write is None or not param.accepts(value):
                return f"Error setting 'root.{name}' to '{value}'!", False
            if param.write > level:
                return None, True
        return None, False

    def apply(self, updates: Mapping[str, str]) -> None:
        """Apply validated updates as one change, then tell the listeners what changed."""
        for name, value in updates.items():
            self.set_value(name, value)
        names = frozenset(updates)
        for listener in self._listeners:
            listener(names)

    def add_group(self, template: str, group: str, values: Mapping[str, str]) -> str:
        """Create a dynamic group; return its id (``S0``) or raise ``ValueError``."""
        spec = TEMPLATES.get(template)
        if spec is None or spec[0] != group:
            raise ValueError(f"Template '{template}' is not valid for group '{group}'")
        letter = param_text.group_letter(group)
        taken = {
            int(n.split(".")[len(group.split("."))][1:])
            for n in self._params
            if matches(n, f"{group}.*") and n.split(".")[len(group.split("."))][1:].isdigit()
        }
        index = next(i for i in range(len(taken) + 1) if i not in taken)
        entry = f"{letter}{index}"
        new = {f"{group}.{entry}.{key}": param for key, param in spec[1].items()}
        for key, value in values.items():
            full = f"{group}.{entry}.{key}"
            if full not in new or not new[full].accepts(value):
                raise ValueError(f"Error setting '{full}' to '{value}'")
            new[full] = replace(new[full], value=value)
        self._params.update(new)
        return entry

    def remove_groups(self, groups: Iterable[str]) -> None:
        groups = list(groups)
        dynamic_parents = {spec[0] for spec in TEMPLATES.values()}
        for group in groups:
            parent = group.rpartition(".")[0]
            if parent not in dynamic_parents or not any(matches(n, group) for n in self._params):
                raise ValueError(f"Group '{group}' does not exist or cannot be removed")
        for group in groups:
            for name in [n for n in self._params if matches(n, group)]:
                del self._params[name]


def initial_params(spec: ModelSpec, serial: str) -> dict[str, Param]:
    ro = Param  # read-only, viewer-readable
    params: dict[str, Param] = {
        "Brand.Brand": ro("AXIS"),
        "Brand.ProdFullName": ro(spec.prod_full_name),
        "Brand.ProdNbr": ro(spec.prod_nbr),
        "Brand.ProdShortName": ro(spec.prod_short_name),
        "Brand.ProdType": ro(spec.prod_type),
        "Brand.ProdVariant": ro(""),
        "Brand.WebURL": ro("http://www.axis.com"),
        "Properties.API.HTTP.Version": ro("3"),
        "Properties.API.Metadata.Metadata": ro("yes"),
        "Properties.API.Metadata.Version": ro("1.0"),
        "Properties.ApiDiscovery.ApiDiscovery": ro("yes"),
        "Properties.Firmware.BuildDate": ro(spec.build_date),
        "Properties.Firmware.Version": ro(spec.firmware),
        "Properties.FirmwareManagement.Version": ro("1.4"),
        "Properties.System.Architecture": ro(spec.architecture),
        "Properties.System.Soc": ro(spec.soc),
        "Properties.System.SerialNumber": ro(serial),
        "Properties.System.HardwareID": ro(spec.hardware_id),
        "Properties.VirtualInput.VirtualInput": ro("yes" if spec.virtual_inputs else "no"),
        "Properties.IO.ManualTriggerNbr": ro(
            str(sum(1 for p in spec.io_ports if p.direction == "output" or p.configurable))
        ),
        "Network.HostName": Param(
            f"axis-{serial.lower()}", read=Level.ADMIN, write=Level.ADMIN, max_length=63
        ),
        "Network.BootProto": Param(
            "dhcp", read=Level.ADMIN, write=Level.ADMIN, choices=("dhcp", "none")
        ),
        "Network.IPAddress": Param("192.168.0.90", read=Level.ADMIN, write=Level.ADMIN),
        "Network.HTTP.AuthenticationPolicy": Param(
            "Recommended",
            read=Level.ADMIN,
            write=Level.ADMIN,
            choices=("Basic", "Digest", "Basic_Digest", "Recommended"),
        ),
        "Time.POSIXTimeZone": Param("UTC0", read=Level.VIEWER, write=Level.ADMIN),
        "Time.SyncSource": Param(
            "NTP", read=Level.VIEWER, write=Level.ADMIN, choices=("NTP", "PC", "None")
        ),
        "Input.NbrOfInputs": ro(str(sum(1 for p in spec.io_ports if p.direction == "input"))),
        "Output.NbrOfOutputs": ro(str(sum(1 for p in spec.io_ports if p.direction == "output"))),
    }
    if spec.resolutions:
        params["Properties.Image.Resolution"] = ro(",".join(spec.resolutions))
        params["Image.I0.Appearance.Resolution"] = Param(
            spec.resolutions[0], write=Level.OPERATOR, choices=spec.resolutions
        )
        params["Image.I0.Appearance.Compression"] = Param(
            "30", write=Level.OPERATOR, int_range=(0, 100)
        )
        params["ImageSource.I0.Name"] = Param("Camera 1", write=Level.OPERATOR, max_length=64)
    for index, port in enumerate(spec.io_ports):
        base = f"IOPort.I{index}"
        params[f"{base}.Configurable"] = ro("yes" if port.configurable else "no")
        params[f"{base}.Direction"] = Param(
            port.direction,
            write=Level.ADMIN if port.configurable else None,
            choices=("input", "output"),
        )
        params[f"{base}.Usage"] = Param(port.usage, write=Level.ADMIN, max_length=64)
        params[f"{base}.Input.Name"] = Param(port.name, write=Level.ADMIN, max_length=64)
        params[f"{base}.Input.Trig"] = Param(
            "closed", write=Level.ADMIN, choices=("open", "closed")
        )
        params[f"{base}.Output.Name"] = Param(port.name, write=Level.ADMIN, max_length=64)
        params[f"{base}.Output.Active"] = Param(
            "closed", write=Level.ADMIN, choices=("open", "closed")
        )
        params[f"{base}.Output.Button"] = Param(
            "none", write=Level.ADMIN, choices=("none", "pulse", "actinact")
        )
        params[f"{base}.Output.PulseTime"] = Param("0", write=Level.ADMIN, int_range=(0, 65535))
        params[f"{base}.Output.Mode"] = Param(
            "bistable", write=Level.ADMIN, choices=("monostable", "bistable")
        )
        params[f"{base}.Output.DelayTime"] = Param("1", write=Level.ADMIN, int_range=(0, 3600))
    for name, value in spec.extra_params.items():
        params[name] = ro(value)
    return params
