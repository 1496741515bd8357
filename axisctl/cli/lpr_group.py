"""``axisctl lpr``: the License Plate Verifier app on a camera, and a receiver for its pushes."""

from __future__ import annotations

from axisctl.cli.app import cli


@cli.group()
def lpr() -> None:
    """AXIS License Plate Verifier: plate lists, push settings, stored events, and a receiver.

    \b
    Receive the camera's pushes on this machine:
      axisctl lpr listen --port 8080 --json
    Keep a list of known vehicles on the camera:
      axisctl lpr lists add allow ABC123 --description "Delivery van"
      axisctl lpr lists import allow vehicles.csv
    """
