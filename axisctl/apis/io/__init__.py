"""I/O ports: ``io/port.cgi``, ``io/portmanagement.cgi`` and the ``IOPort`` parameters.

Every method takes and returns port **numbers counted from 1**, as the manuals ("Port 1")
and port.cgi do. portmanagement.cgi names ports by 0-based index strings (``"0"``) and
param.cgi by ``IOPort.I<index>``; this module converts, and :class:`Port` carries both
``number`` and ``index``.

A port is *active* when its circuit state differs from its *normal state*: an input whose
normal state is open becomes active when its circuit is closed (tied to pin 1).

The package: :mod:`~axisctl.apis.io.models` (the port models and the relay-module
numbering), :mod:`~axisctl.apis.io.errors` and :mod:`~axisctl.apis.io.api`
(:class:`IOPortsAPI`).
"""

from axisctl.apis.io.api import MANAGEMENT_PATH as MANAGEMENT_PATH
from axisctl.apis.io.api import MAX_PORTS_PER_REQUEST as MAX_PORTS_PER_REQUEST
from axisctl.apis.io.api import PARAM_PATH as PARAM_PATH
from axisctl.apis.io.api import PORT_PATH as PORT_PATH
from axisctl.apis.io.api import IOPortsAPI
from axisctl.apis.io.errors import SEQUENCE_ONGOING as SEQUENCE_ONGOING
from axisctl.apis.io.errors import PortConfigurationError, SequenceOngoingError
from axisctl.apis.io.models import (
    MANAGEMENT_API,
    MODULE_INPUTS,
    MODULE_RELAYS,
    PORT_API,
    Port,
    PortChange,
    PortFailure,
    SequenceStep,
    module_input_port,
    relay_port,
)
from axisctl.apis.io.models import MAX_STEP_MS as MAX_STEP_MS
from axisctl.codecs.port_action import CircuitState, Direction, PortAction

# The wire constants (``PORT_PATH``, ``SEQUENCE_ONGOING``, ...) stay importable from here as
# they were from the single module, and out of ``__all__`` as they were there.
__all__ = [
    "MANAGEMENT_API",
    "MODULE_INPUTS",
    "MODULE_RELAYS",
    "PORT_API",
    "CircuitState",
    "Direction",
    "IOPortsAPI",
    "Port",
    "PortAction",
    "PortChange",
    "PortConfigurationError",
    "PortFailure",
    "SequenceOngoingError",
    "SequenceStep",
    "module_input_port",
    "relay_port",
]
