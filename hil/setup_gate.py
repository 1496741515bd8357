"""Gate camera set-up: the License Plate Verifier's lists and its barrier through a relay module.

:func:`prepare_gate` puts the scenario's plates on the allow and block lists and sets the
barrier mode "Open from lists" with access control "I/O relay module": an allowlisted
vehicle driving ``direction`` makes the camera ask the relay module (over HTTP, Digest) to
pulse ``relay_port`` (9 is the module's relay 1, as the app's drop-down numbers it) for
``pulse_ms``. The manual's recipe "open a barrier through an I/O relay module".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from axisctl.apis.lpr import (
    AccessControlType,
    BarrierMode,
    ListKey,
    LprSettings,
)
from axisctl.device import Device
from axisctl.hil.setup_common import Undo

__all__ = ["RELAY_1_PORT", "prepare_gate"]

#: The app's port drop-down: 1-8 are the relay module's inputs, 9-16 its relays 1-8.
RELAY_1_PORT = 9


def prepare_gate(
    camera: Device,
    *,
    allow: Iterable[str] = (),
    block: Iterable[str] = (),
    relay_url: str,
    relay_user: str,
    relay_password: str,
    relay_port: int = RELAY_1_PORT,
    pulse_ms: int = 1000,
    direction: str = "in",
    ttl_s: int | None = None,
) -> Undo:
    """Plates on the lists and the barrier opened through the relay module.

    ``ttl_s`` shortens the time a vehicle stays "in view" after its last read, so that the
    app's list states (``ALPV.Block_list`` ...) end soon after a scenario's vehicle.
    Plates already on a list stay; the undo takes off only those added here, and puts the
    detection and barrier settings back (the relay module's password, which the app never
    shows, stays as set here).
    """
    api = camera.lpr
    undo = Undo(f"gate set-up of {camera.url}")
    for key, plates in ((ListKey.ALLOW, allow), (ListKey.BLOCK, block)):
        present = {entry.plate for entry in api.plates(key)}
        for plate in plates:
            if plate in present:
                continue
            api.add_plate(key, plate, description="axisctl HIL scenario")
            present.add(plate)
            undo.add(f"{plate} on the {key.value} list", _remover(camera, key, plate))
    before = api.settings()
    api.set_settings(
        access_control=AccessControlType.RELAY,
        barrier_mode=BarrierMode.OPEN_FROM_LISTS,
        barrier_lists=[ListKey.ALLOW],
        barrier_direction=direction,
        barrier_roi="all",
        relay_url=relay_url,
        relay_user=relay_user,
        relay_password=relay_password,
        relay_port=relay_port,
        pulse_ms=pulse_ms,
        ttl_s=ttl_s,
    )
    undo.add("detection and barrier settings", _settings_restorer(camera, before))
    return undo


def _remover(camera: Device, key: ListKey, plate: str) -> Callable[[], object]:
    return lambda: camera.lpr.remove_plate(key, plate)


def _settings_restorer(camera: Device, before: LprSettings) -> Callable[[], object]:
    return lambda: camera.lpr.set_settings(before)
