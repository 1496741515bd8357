"""The simulated AXIS License Plate Verifier app on the P1455-LE gate camera."""

from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.state import LprState

__all__ = ["LprApp", "LprState"]
