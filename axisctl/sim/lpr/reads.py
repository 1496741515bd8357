"""One lifecycle event of a vehicle as the app reports it: the record events and pushes share.

A :class:`PlateRead` is immutable and complete, so the push workers can render it long
after the event (a resend carries the same packet counter, text and image) without touching
device state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axisctl.sim.lpr.matching import ListHit


@dataclass(frozen=True)
class CameraInfo:
    """Who sends the event: ``camera_info`` in pushes, ``MACAddress`` in events."""

    serial: str
    product: str
    ip_address: str

    @property
    def mac_address(self) -> str:
        # Axis serial numbers are the MAC address; the app's documented sample sends it so.
        return self.serial


@dataclass(frozen=True)
class PlateRead:
    """NEW, UPDATE or LOST of one vehicle."""

    car_id: int
    packet: int
    car_state: str
    text: str
    country: str
    iso3166_2: str
    region: str
    region_code: str
    direction: str
    roi: int
    confidence: float
    #: Unix time of the read the event reports (LOST repeats the last read's).
    capture_time: float
    #: Microseconds of the frame; 0 on LOST, which reports no new frame.
    frame_us: int
    hit: ListHit | None
    #: ``Accepted`` (the barrier opened for this vehicle), ``Denied`` (block-mode list) or
    #: ``No action``.
    action: str
    vehicle_type: str
    color: str
    view: str
    #: Where the plate is in the frame: left, top, width, height in pixels.
    box: tuple[int, int, int, int]
    image_name: str
    image: bytes = field(repr=False)
    #: The second image (``send_second_image``): the region-of-interest crop.
    roi_image: bytes = field(repr=False)

    @property
    def capture_us(self) -> int:
        """Microseconds since the epoch of the read; every timestamp field derives from it."""
        return round(self.capture_time * 1_000_000)

    @property
    def capture_ms(self) -> int:
        return self.capture_us // 1000

    @property
    def list_name(self) -> str:
        return "" if self.hit is None else self.hit.list_name

    @property
    def list_mode(self) -> str:
        return "" if self.hit is None else self.hit.mode

    @property
    def list_description(self) -> str:
        return "" if self.hit is None else self.hit.description
