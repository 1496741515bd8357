"""A plate read as the License Plate Verifier pushes it, typed.

The app sends every scalar as a string (``"carID": "54950"``); :func:`axisctl.lpr.parse_push`
turns a push into a :class:`PlateRead` with numbers, enums and aware UTC datetimes. Fields the
model does not name stay in :attr:`PlateRead.raw`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CameraInfo",
    "CarState",
    "Direction",
    "GeoTag",
    "ListHit",
    "ListMode",
    "PlateBox",
    "PlateImage",
    "PlateRead",
    "ReadKey",
    "VehicleInfo",
]


class CarState(enum.Enum):
    """Where a vehicle is in its track: first read, a correction or direction, gone."""

    NEW = "new"
    UPDATE = "update"
    LOST = "lost"


class Direction(enum.Enum):
    """``carMoveDirection``: always ``UNKNOWN`` on NEW, known once the plate has moved."""

    IN = "in"
    OUT = "out"
    UNKNOWN = "unknown"


class ListMode(enum.Enum):
    """What the list that matched does: the allow list, the block list, or neither."""

    ALLOW = "allow"
    BLOCK = "block"
    NONE = "none"


@dataclass(frozen=True)
class ListHit:
    """The plate list the read matched: display name (``"Block list"``), mode, description."""

    name: str
    mode: ListMode
    description: str = ""


@dataclass(frozen=True)
class PlateImage:
    """One image of a push.

    ``kind`` is what it shows as the camera labels it (``"plate"``; a multipart part other
    than ``image`` is labelled by its part name, e.g. ``"image2"``); ``format`` is the image
    format in lower case (``"jpeg"``, ``"png"``).
    """

    kind: str
    format: str
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        # Never the bytes: a 100 KB repr helps nobody reading a log.
        return f"PlateImage(kind={self.kind!r}, format={self.format!r}, size={len(self.data)})"

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class PlateBox:
    """``plateCoordinates``: the plate's box in the image, in pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class GeoTag:
    """``geotag``: the position configured for the push profile."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class VehicleInfo:
    """``vehicle_info``: how the camera saw the vehicle; empty strings when not known."""

    view: str = ""
    type: str = ""
    color: str = ""
    brand: str = ""
    model: str = ""


@dataclass(frozen=True)
class CameraInfo:
    """``camera_info``: which camera sent the push."""

    serial_number: str = ""
    product: str = ""
    ip_address: str = ""
    mac_address: str = ""


#: ``(camera serial, car id, packet counter)``: the identity of one pushed event.
ReadKey = tuple[str, int, int | None]


@dataclass(frozen=True)
class PlateRead:
    """One plate read pushed by the License Plate Verifier app.

    ``text`` is the plate as Unicode text (non-ASCII letters intact); ``ascii`` is the app's
    ASCII spelling with ``?`` for the rest. Strings the push leaves out or sends empty are
    ``""``; numbers it leaves out are ``None``. ``received_at``, ``duplicate`` and
    ``image_paths`` describe the receipt and are set by the receiver, not by the camera.
    """

    text: str
    car_id: int
    car_state: CarState
    captured_at: dt.datetime
    ascii: str = ""
    country: str = ""
    region: str = ""
    region_code: str = ""
    iso3166_2: str = ""
    confidence: float | None = None
    packet_counter: int | None = None
    direction: Direction = Direction.UNKNOWN
    frame_time: dt.datetime | None = None
    camera_datetime: str = ""
    list_hit: ListHit | None = None
    roi_id: int | None = None
    plate_box: PlateBox | None = None
    geotag: GeoTag | None = None
    vehicle: VehicleInfo | None = None
    camera: CameraInfo | None = None
    images: tuple[PlateImage, ...] = ()
    image_uris: tuple[str, ...] = ()
    sensor_provider_id: str = ""
    profile_id: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)
    received_at: dt.datetime | None = None
    duplicate: bool = False
    image_paths: tuple[Path, ...] = ()

    @property
    def key(self) -> ReadKey:
        """What tells a resend from a new event: the camera, ``carID`` and ``packetCounter``.

        The camera's serial number keeps two cameras pushing to one receiver apart (their car
        ids and counters are their own); it is ``""`` when the push has no ``camera_info``.
        """
        serial = self.camera.serial_number if self.camera is not None else ""
        return (serial, self.car_id, self.packet_counter)

    def to_json(self, *, include_raw: bool = False) -> dict[str, Any]:
        """A JSON-ready dict, one line of ``axisctl lpr listen --json``.

        Times are ISO 8601 UTC with ``Z``; images appear as kind, format and size (and the
        saved file, if any), never as bytes. ``include_raw`` adds the document as received.
        """
        result: dict[str, Any] = {
            "text": self.text,
            "ascii": self.ascii,
            "country": self.country,
            "region": self.region,
            "region_code": self.region_code,
            "iso3166_2": self.iso3166_2,
            "confidence": self.confidence,
            "car_state": self.car_state.value,
            "car_id": self.car_id,
            "packet_counter": self.packet_counter,
            "direction": self.direction.value,
            "captured_at": _iso(self.captured_at),
            "frame_time": _iso(self.frame_time),
            "camera_datetime": self.camera_datetime,
            "list": None
            if self.list_hit is None
            else {
                "name": self.list_hit.name,
                "mode": self.list_hit.mode.value,
                "description": self.list_hit.description,
            },
            "roi_id": self.roi_id,
            "plate_box": None if self.plate_box is None else _fields(self.plate_box),
            "geotag": None if self.geotag is None else _fields(self.geotag),
            "vehicle": None if self.vehicle is None else _fields(self.vehicle),
            "camera": None if self.camera is None else _fields(self.camera),
            "images": [
                {"kind": image.kind, "format": image.format, "size": image.size}
                for image in self.images
            ],
            "image_paths": [str(path) for path in self.image_paths],
            "image_uris": list(self.image_uris),
            "sensor_provider_id": self.sensor_provider_id,
            "profile_id": self.profile_id,
            "received_at": _iso(self.received_at),
            "duplicate": self.duplicate,
        }
        if include_raw:
            result["raw"] = dict(self.raw)
        return result


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _fields(value: object) -> dict[str, Any]:
    return dict(vars(value))
