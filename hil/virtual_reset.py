"""Put one simulator back to a known state between tests (``bench.reset()`` on the virtual rig).

What a test leaves behind that would change the next one's outcome goes; what a test's
set-up configured (and may undo itself) stays:

| reset | kept |
|---|---|
| action rules (what a while-active rule holds ends first) | parameters, port directions and names |
| light and siren activities (maintenance mode stays as it is) | strobe profiles |
| output pulses and sequences stopped; outputs normal | MQTT client and subscriptions |
| virtual inputs low | LPR lists, settings, event log |
| LPR vehicles in view and scheduled | the intercom's entry list, settings, decision log |
| an intercom PIN entry in progress | accounts |

Wired inputs float for a moment and are set again from the Pi's lines by the caller.
"""

from __future__ import annotations

from axisctl.sim.device import SimulatedDevice

__all__ = ["reset_simulator"]


def reset_simulator(sim: SimulatedDevice) -> None:
    """Reset ``sim`` as the module docstring says; call without the device lock."""
    with sim.lock:
        sim.rules.clear()
        if sim.siren_light is not None:
            sim.siren_light.stop({"all": ["siren", "light"]})
        sim.virtual_inputs.reset()
        if sim.lpr is not None:
            sim.lpr.cancel_scenarios()
            sim.lpr.power_cycle()
        if sim.access is not None:
            sim.access.power_cycle()
        sim.io.reset()
    # HTTP notifications fired before the reset go out now rather than in the next test.
    sim.rules.wait_idle()
