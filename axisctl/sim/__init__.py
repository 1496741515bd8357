"""Simulated Axis devices on a real HTTP server, for tests without hardware.

``Simulator`` serves one or more :class:`SimulatedDevice` objects; each keeps its state
(parameters, accounts, request log, armed faults) where tests can look at and change it.
"""

from axisctl.sim.accounts import Level
from axisctl.sim.catalog import MODELS, ModelSpec
from axisctl.sim.device import RequestRecord, SimulatedDevice
from axisctl.sim.faults import Fault, FaultKind
from axisctl.sim.server import Simulator

__all__ = [
    "MODELS",
    "Fault",
    "FaultKind",
    "Level",
    "ModelSpec",
    "RequestRecord",
    "SimulatedDevice",
    "Simulator",
]
