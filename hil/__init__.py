"""Hardware-in-the-loop harness (``axisctl.hil``): rig files, the pytest plugin, scenarios.

Installs as ``axisctl.hil`` so that it never takes the generic top-level name ``hil``. The
harness joins the device client with the Pi-side drivers; see docs/architecture.md.
"""
