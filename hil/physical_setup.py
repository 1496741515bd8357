"""What the physical site reads and checks before it touches anything: the Pi's pin
factory, the devices' accounts from the environment, the OSDP port and key, and wires that
would drive a device input push-pull. Every message names a variable, never its value."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping
from typing import Any

from axisctl.drivers.osdp.cp_types import parse_scbk
from axisctl.errors import ConfigurationError
from axisctl.hil.rig_model import Direction, Rig, Via
from axisctl.hil.site import DeviceEndpoint

__all__ = [
    "broker_address",
    "check_osdp_port",
    "default_pin_factory",
    "push_pull_warnings",
    "read_endpoints",
    "read_scbk",
]

logger = logging.getLogger(__name__)

_NO_BACKEND_HINT = (
    "on a Raspberry Pi install lgpio from apt (sudo apt install python3-lgpio) and use a "
    "venv made with --system-site-packages, run from a writable directory, and be in the "
    "'gpio' group; to try a rig without a Pi set GPIOZERO_PIN_FACTORY=mock "
    "(docs/hil-rig-guide.md)"
)


def default_pin_factory() -> Any:
    """gpiozero's default pin factory (``GPIOZERO_PIN_FACTORY`` honoured), built if needed.

    Raises :class:`ConfigurationError` saying what to install when no backend works.
    """
    from gpiozero import Device
    from gpiozero.exc import BadPinFactory

    # gpiozero warns once per backend it falls back from; those reasons belong in the
    # error (or the debug log), not on the terminal of a Pi where lgpio works.
    with warnings.catch_warnings(record=True) as fallbacks:
        warnings.simplefilter("always")
        try:
            Device.ensure_pin_factory()
        except (BadPinFactory, ImportError, OSError, RuntimeError) as error:
            chosen = os.environ.get("GPIOZERO_PIN_FACTORY")
            which = f"GPIOZERO_PIN_FACTORY={chosen}" if chosen else "no GPIO backend works here"
            tried = "".join(f"; {warning.message}" for warning in fallbacks)
            raise ConfigurationError(
                f"cannot open the Pi's GPIO ({which}: {error}{tried}); {_NO_BACKEND_HINT}"
            ) from None
    for warning in fallbacks:
        logger.debug("pin factory: %s", warning.message)
    return Device.pin_factory


def _variable(environ: Mapping[str, str], name: str, role: str) -> tuple[str | None, str | None]:
    """The variable's value, or ``None`` and why (naming the variable, never a value)."""
    value = environ.get(name)
    if value is None:
        return None, f"{name} ({role}) is not set"
    if not value:
        return None, f"{name} ({role}) is empty"
    return value, None


def read_endpoints(rig: Rig, environ: Mapping[str, str]) -> dict[str, DeviceEndpoint]:
    endpoints: dict[str, DeviceEndpoint] = {}
    problems: list[str] = []
    for device in rig.devices.values():
        if device.url is None or device.credentials is None:
            problems.append(f"device {device.name!r} has no URL or credentials in the rig file")
            continue
        user, user_problem = _variable(
            environ, device.credentials.user_env, f"the user of device {device.name!r}"
        )
        password, password_problem = _variable(
            environ, device.credentials.password_env, f"the password of device {device.name!r}"
        )
        problems += [problem for problem in (user_problem, password_problem) if problem]
        endpoints[device.name] = DeviceEndpoint(device.url, user, password, verify=True)
    if problems:
        raise ConfigurationError(
            f"rig {rig.name!r}: missing credentials: "
            + "; ".join(problems)
            + " (the rig file names the environment variables that hold them)"
        )
    return endpoints


def read_scbk(rig: Rig, environ: Mapping[str, str]) -> bytes | None:
    if rig.osdp is None or rig.osdp.scbk_env is None:
        return None
    name = rig.osdp.scbk_env
    text, problem = _variable(environ, name, "the OSDP secure channel key")
    if text is None:
        raise ConfigurationError(f"rig {rig.name!r}: {problem}")
    try:
        return parse_scbk(text)
    except ConfigurationError as error:
        # parse_scbk never repeats the text; say which variable holds it.
        raise ConfigurationError(f"rig {rig.name!r}: {name}: {error}") from None


def check_osdp_port(rig: Rig) -> None:
    """A clear message for the usual reasons a serial port does not open."""
    if rig.osdp is None:
        return
    port = rig.osdp.port
    if port is None:
        raise ConfigurationError(f"rig {rig.name!r}: the OSDP bus has no port")
    if len(rig.osdp.readers) > 1:
        # One emulator owns the port; two on one adapter would split each other's bytes.
        raise ConfigurationError(
            f"rig {rig.name!r}: the Pi plays one OSDP reader per bus, the rig declares "
            f"{len(rig.osdp.readers)} ({', '.join(sorted(rig.osdp.readers))})"
        )
    if "://" in port:
        return  # a pyserial URL: pyserial says what is wrong with it
    if not os.path.exists(port):
        raise ConfigurationError(
            f"rig {rig.name!r}: the OSDP port {port} does not exist (is the RS-485 adapter "
            "plugged in? ls /dev/serial/by-id/)"
        )
    if not os.access(port, os.R_OK | os.W_OK):
        raise ConfigurationError(
            f"rig {rig.name!r}: no permission to open the OSDP port {port} (add your user "
            "to the 'dialout' group and log in again)"
        )


def broker_address(rig: Rig) -> tuple[str, int] | None:
    if rig.mqtt_broker is None:
        return None
    host, _, port = rig.mqtt_broker.rpartition(":")
    return host.strip("[]"), int(port)


def push_pull_warnings(rig: Rig) -> list[str]:
    """A warning for each wire on which a Pi pin drives a device input push-pull."""
    return [
        f"wire {wire.name!r}: BCM {wire.bcm} drives {wire.device}'s port {wire.port} "
        "push-pull (via: direct); the manuals do not give the input's pull-up voltage, "
        "so close the input with a relay contact or an optocoupler (docs/hil-rig-guide.md)"
        for wire in rig.wires.values()
        if wire.direction is Direction.TO_DEVICE and wire.via is Via.DIRECT
    ]
