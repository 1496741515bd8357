"""The simulated AXIS License Plate Verifier app on the P1455-LE gate camera."""

from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.scenario import (
    Scenario,
    ScenarioError,
    ScheduledVehicle,
    load_scenario,
    loads_scenario,
    parse_scenario,
)
from axisctl.sim.lpr.state import LprState
from axisctl.sim.lpr.vehicles import InvalidVehicleError, Vehicle

__all__ = [
    "InvalidVehicleError",
    "LprApp",
    "LprState",
    "Scenario",
    "ScenarioError",
    "ScheduledVehicle",
    "Vehicle",
    "load_scenario",
    "loads_scenario",
    "parse_scenario",
]
