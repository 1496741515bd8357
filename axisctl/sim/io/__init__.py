"""The I/O ports of a simulated device: circuits, normal states, pulses and sequences.

CONTRACT (other components rely on these names):

- ``IOBank(spec, params, clock, bus)``; ports are numbered 1..N as in port.cgi
  (``IOPort.I<n-1>`` in param.cgi, ``"n-1"`` in portmanagement.cgi).
- ``press(port)`` / ``release(port)``: tie an input to pin 1 (closed) or leave it floating.
- ``drive_input(port, volts)``: ``None`` floating, above 1 V reads open, else closed.
- ``circuit(port) -> "open" | "closed"``, ``is_active(port) -> bool`` (state != normal state).
- ``set_output(port, active)``; ``output_active(port)``.
- ``count``: number of ports; ``describe(port) -> dict`` for the test-control surface:
  ``{"port": n, "name", "direction", "normalState", "circuit", "active"}``.
- ``begin_restart()`` / ``end_restart()``: outputs open during a restart, then normal.
- ``reset()``: after a factory default (parameters already reset): inputs floating,
  outputs at their normal state, sequences cancelled.
- Changes publish ``TOPIC_INPUT_PORT`` / ``TOPIC_OUTPUT_PORT`` on the bus, with source
  ``{"port": "<0-based index>"}`` and data ``{"state": "1" | "0"}`` (active or not).

Behaviour, from the manuals (D4200-VE L2283-L2298, P1455-LE L2011-L2038):

- A port is active when its circuit differs from its normal state. The parameters are the
  source of truth for configuration: ``IOPort.I<n>.Input.Trig`` names the circuit in which
  an input is active (so ``Trig=closed`` means normal state open) and ``Output.Active`` the
  circuit in which an output is active.
- An input reads open when floating or driven above 1 V, closed when tied to pin 1.
- Outputs open during a restart and go back to their normal state afterwards.
- Changing any I/O setting (``IOPort.*`` through param.cgi, or setPorts) returns every
  output to its normal state and cancels running sequences and pulses.

Besides the contract's events, inputs also publish ``TOPIC_DIGITAL_INPUT`` (``InputToken``,
``LogicalState`` ``true``/``false``) and relays ``TOPIC_RELAY`` (``RelayToken``,
``LogicalState`` ``active``/``inactive``); tokens are the 0-based port index. The state of
every port is published once at power-up, so ``bus.current()`` always holds it.

Every method takes the device lock (the clock's re-entrant lock); timers fire under it.

The package: :mod:`~axisctl.sim.io.bank` (:class:`IOBank`), :mod:`~axisctl.sim.io.programs`
(timed actions and state sequences), :mod:`~axisctl.sim.io.setports` (setPorts validation)
and :mod:`~axisctl.sim.io.ports` (circuit and direction names).
"""

from axisctl.sim.io.bank import OPEN_ABOVE_VOLTS, IOBank
from axisctl.sim.io.ports import CLOSED, INPUT, OPEN, OUTPUT
from axisctl.sim.io.programs import MAX_SEQUENCE_STEP_MS, SequenceOngoingError
from axisctl.sim.io.setports import INVALID_VALUE, MAX_TEXT, PortSettingError

__all__ = [
    "CLOSED",
    "INPUT",
    "INVALID_VALUE",
    "MAX_SEQUENCE_STEP_MS",
    "MAX_TEXT",
    "OPEN",
    "OPEN_ABOVE_VOLTS",
    "OUTPUT",
    "IOBank",
    "PortSettingError",
    "SequenceOngoingError",
]
