"""Raspberry Pi side of axisctl: GPIO lines and relays, Wiegand and OSDP (``axisctl.drivers``).

This package knows pins, serial ports and bit timing, and nothing about HTTP. It installs as
``axisctl.drivers`` so that it never takes the generic top-level name ``drivers``. The
drivers themselves arrive with the access-control and HIL work (see docs/architecture.md).
"""
