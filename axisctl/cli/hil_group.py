"""``axisctl hil``: the hardware-in-the-loop harness on a rig file (docs/hil-harness.md)."""

from __future__ import annotations

from axisctl.cli.app import cli


@cli.group()
def hil() -> None:
    """Hardware-in-the-loop tests: check a rig's wiring, run the scenarios, write a report.

    A rig file says which Raspberry Pi line is wired to which device port
    (docs/hil-rig-file.md); "virtual" is the bundled simulated site.

    \b
    Check every wire of a bench, end to end:
      axisctl hil check --rig bench.yaml
    Run the scenarios on the simulated site and write an HTML report:
      axisctl hil run --rig virtual --report hil-report/
    """
