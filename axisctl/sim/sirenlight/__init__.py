"""The siren and light of a simulated strobe speaker: profiles, priorities, maintenance."""

from axisctl.sim.sirenlight.service import MAX_PROFILES, SirenLight
from axisctl.sim.sirenlight.validation import ServiceError

__all__ = ["MAX_PROFILES", "ServiceError", "SirenLight"]
