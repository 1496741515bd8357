"""The check of wires: the Pi moves its end and reads the device's, or the other way.

- **pi-to-device** (and the relay channel it goes through): move the Pi line away from its
  safe level, read the device's port through the library (``device.io``) until it
  follows, move the line back, read again. Every other wired device port is read too, so
  that a signal arriving on the wrong port is named.
- **device-to-pi**: set the device's output through the library, watch the Pi line, set
  the output back. Every other Pi input is watched too.

The outcome is decided by one rule for both (:func:`verdict`): the far end should follow
the near end; it may follow the wrong way (INVERTED), sit at the wrong level and not move
(STUCK), not move while something else does (WRONG LINE), or not move at all (NO CHANGE).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from axisctl.hil.check import CheckContext, CheckResult, Status, error_text
from axisctl.hil.check_items import wire_path
from axisctl.hil.lines import InputLine
from axisctl.hil.rig_model import Direction, Wire
from axisctl.hil.setup_ports import configure_ports

__all__ = [
    "check_inputs",
    "check_outputs",
    "check_unused_channels",
    "prepare_ports",
    "verdict",
    "watch_input",
]

PortKey = tuple[str, int]


def verdict(
    near_before: bool,
    far_before: bool,
    far_after: bool | None,
    others: list[str],
    *,
    near: str = "the near end",
    far: str = "the far end",
) -> tuple[Status, str]:
    """The outcome when the near end went from ``near_before`` to its opposite.

    ``far_after`` is the far end's state once it changed (``None``: it never did);
    ``others`` names what moved instead. ``near`` and ``far`` name the two ends.
    """
    if far_after is not None:
        if far_before == near_before:
            return Status.OK, ""
        return (
            Status.INVERTED,
            f"{far} reads {_state(far_before)} while {near} is {_state(near_before)}, "
            f"and {_state(far_after)} when it is {_state(not near_before)}",
        )
    if others:
        return Status.WRONG_LINE, f"{', '.join(others)} moved instead of {far}"
    if far_before != near_before:
        return (
            Status.STUCK,
            f"{far} was {_state(far_before)} before the check, and stays so",
        )
    return Status.NO_CHANGE, f"{far} never moved"


def _wired_ports(context: CheckContext) -> dict[str, dict[int, str]]:
    """device -> port -> wire, for every pi-to-device wire on a device that answers."""
    found: dict[str, dict[int, str]] = {}
    for wire in context.bench.rig.wires.values():
        if wire.direction is Direction.TO_DEVICE and wire.device not in context.broken:
            found.setdefault(wire.device, {})[wire.port] = wire.name
    return found


def _read_ports(
    context: CheckContext, wired: Mapping[str, Mapping[int, str]]
) -> dict[PortKey, bool]:
    states: dict[PortKey, bool] = {}
    for device, ports in wired.items():
        answer = context.bench.device(device).io.check_active(*sorted(ports))
        states.update({(device, port): bool(active) for port, active in answer.items()})
    return states


def _until(context: CheckContext, changed: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + context.timeout
    while True:
        if changed():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(context.poll)


def prepare_ports(context: CheckContext) -> None:
    """Configure each wired port the way its wire needs (input or output, normal state
    open) for the check, and put it back at the end. A port that cannot be (a fixed port
    the wrong way) makes its wires ERROR."""
    rig = context.bench.rig
    wanted: dict[str, tuple[list[int], list[int]]] = {}
    for wire in rig.wires.values():
        inputs, outputs = wanted.setdefault(wire.device, ([], []))
        (inputs if wire.direction is Direction.TO_DEVICE else outputs).append(wire.port)
    for device, (inputs, outputs) in wanted.items():
        if device in context.broken:
            continue
        try:
            undo = configure_ports(context.bench.device(device), inputs=inputs, outputs=outputs)
        except Exception as error:
            context.port_problems[device] = error_text(error)
            continue
        if undo:
            context.report.notes.append(
                f"configured {device}'s wired ports as the rig wires them (direction, normal "
                "state open) for the check, and back after"
            )
            context.undo_later(f"put {device}'s ports back", undo)


def check_outputs(context: CheckContext) -> None:
    """Every pi-to-device wire, through its relay channel if it has one."""
    for wire in context.bench.rig.wires.values():
        if wire.direction is Direction.TO_DEVICE:
            _guarded(context, wire, _check_output)


def check_inputs(context: CheckContext) -> None:
    """Every device-to-pi wire."""
    for wire in context.bench.rig.wires.values():
        if wire.direction is Direction.TO_PI:
            _guarded(context, wire, _check_input)


def _guarded(
    context: CheckContext, wire: Wire, check: Callable[[CheckContext, Wire], tuple[Status, str]]
) -> None:
    path = wire_path(context.bench.rig, wire)
    if wire.device in context.broken:
        reason = f"{wire.device} did not answer: {context.broken[wire.device]}"
        context.add(CheckResult(wire.name, wire.direction.value, path, Status.SKIPPED, reason))
        return
    context.step(f"wire {wire.name}")
    problem = context.port_problems.get(wire.device)
    try:
        status, detail = (Status.ERROR, problem) if problem else check(context, wire)
    except Exception as error:
        status, detail = Status.ERROR, error_text(error)
    context.add(CheckResult(wire.name, wire.direction.value, path, status, detail))


def _check_output(context: CheckContext, wire: Wire) -> tuple[Status, str]:
    line = context.bench.output(wire.name)
    wired = _wired_ports(context)
    key = (wire.device, wire.port)
    before = _read_ports(context, wired)
    near_before = line.is_active
    seen: dict[PortKey, bool] = dict(before)

    def moved() -> bool:
        seen.update(_read_ports(context, wired))
        return seen[key] != before[key]

    line.set(not near_before)
    try:
        followed = _until(context, moved)
    finally:
        line.set(near_before)
    others = [
        f"{wired[device][port]} ({device} port {port})"
        for (device, port), state in seen.items()
        if (device, port) != key and state != before[(device, port)]
    ]
    far = f"{wire.device} port {wire.port}"
    status, detail = verdict(
        near_before,
        before[key],
        seen[key] if followed else None,
        others,
        near=f"BCM {line.bcm}",
        far=far,
    )
    # Wait for every port to settle back, so that the next wire starts from rest.
    settled = _until(context, lambda: _read_ports(context, wired) == before)
    if status is Status.OK and not settled and _read_ports(context, wired)[key] != before[key]:
        return Status.STUCK, f"{far} followed BCM {line.bcm}, but stays {_state(seen[key])} after"
    return status, detail


def _inputs(context: CheckContext) -> dict[str, InputLine]:
    return dict(context.bench.inputs)


def _moved_since(lines: Mapping[str, InputLine], since: float, skip: str) -> list[str]:
    return [
        f"{name} (BCM {line.bcm})"
        for name, line in lines.items()
        if name != skip and line.edges(since)
    ]


def watch_input(
    context: CheckContext,
    name: str,
    act: Callable[[], object],
    undo: Callable[[], object],
    driven_before: bool,
    driver: str,
) -> tuple[Status, str]:
    """Do ``act`` (``driver``, what drives input ``name``, goes from ``driven_before`` to
    its opposite), watch every Pi input, ``undo``; the verdict. Shared with the sensors."""
    lines = _inputs(context)
    line = lines[name]
    before = {other: each.is_active for other, each in lines.items()}
    since = context.bench.timeline.now()
    act()
    try:
        followed = _until(context, lambda: bool(line.edges(since)))
        # The first edge: a sensor watching a flashing light goes on and off after it.
        after = line.edges(since)[0].active if followed else None
        others = [] if followed else _moved_since(lines, since, name)
    finally:
        undo()
    far = f"BCM {line.bcm}"
    status, detail = verdict(driven_before, before[name], after, others, near=driver, far=far)
    # Wait for every line that moved to settle back, so that the next item starts from rest.
    moved = [each for each in lines.values() if each.edges(since)]
    settled = _until(context, lambda: all(each.is_active == before[each.name] for each in moved))
    if status is Status.OK and not settled and line.is_active != before[name]:
        return Status.STUCK, f"{far} followed {driver}, but stays {_state(line.is_active)} after"
    return status, detail


def _check_input(context: CheckContext, wire: Wire) -> tuple[Status, str]:
    io = context.bench.device(wire.device).io
    device_before = bool(io.check_active(wire.port)[wire.port])
    context.undo_later(
        f"set {wire.device} port {wire.port} back", lambda: io.set_output(wire.port, device_before)
    )
    return watch_input(
        context,
        wire.name,
        lambda: io.set_output(wire.port, not device_before),
        lambda: io.set_output(wire.port, device_before),
        device_before,
        f"{wire.device} port {wire.port}",
    )


def check_unused_channels(context: CheckContext) -> None:
    """Relay channels no wire goes through: nothing to observe, so never switched."""
    rig = context.bench.rig
    used = {wire.relay for wire in rig.wires.values()}
    for board in rig.relay_boards.values():
        for channel in board.channels.values():
            if channel.ref in used:
                continue
            context.add(
                CheckResult(
                    channel.ref,
                    "relay",
                    f"BCM {channel.bcm} → relay {channel.ref}",
                    Status.SKIPPED,
                    "no wire goes through it, so nothing to observe; it is left at its "
                    "safe state (switch it by hand and listen for the click)",
                )
            )


def _state(active: bool) -> str:
    return "active" if active else "inactive"
