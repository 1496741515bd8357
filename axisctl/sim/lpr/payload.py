"""The push-event documents the camera sends: JSON body, multipart form, TCP line.

Field names and formats follow vapix-wire-formats §7.2 and the team's wire contract: every
scalar is a string except ``geotag``, ``plateCoordinates*``, ``imagesURI``,
``vehicle_info``, ``camera_info`` and ``ImageArray``; non-ASCII plates are sent as UTF-8
text. A body is rendered from a :class:`PlateRead` and the profile's settings at the moment
it is sent, so a resend carries the original packet counter.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from axisctl.codecs.multipart import FormPart, encode_form
from axisctl.sim.lpr.reads import CameraInfo, PlateRead
from axisctl.sim.lpr.state import PushProfile

#: Where the app serves its images (``imagesURI``) and keeps them (``imageFile``).
IMAGE_URI = "/local/fflprapp/tools.cgi?action=getImage&name="
IMAGE_DIR = "localdata/images/"
#: Milliseconds the simulated app spends on a read (``timeProcessing``, ``consumedTime``).
PROCESSING_MS = 40


@dataclass(frozen=True)
class Body:
    """An HTTP body: its ``Content-Type`` and bytes."""

    content_type: str
    content: bytes


def _coordinate(text: str) -> float:
    # An unset or unreadable coordinate is sent as 0.0: the field is always an object of floats.
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def _geotag(profile: PushProfile) -> dict[str, float]:
    return {"lat": _coordinate(profile.latitude), "lon": _coordinate(profile.longitude)}


def _datetime(capture_time: float) -> str:
    moment = dt.datetime.fromtimestamp(capture_time, dt.timezone.utc)
    return moment.strftime("%Y%m%d %H%M%S") + f"{moment.microsecond // 1000:03d}"


def _ascii(text: str) -> str:
    return "".join(char if char.isascii() else "?" for char in text)


def document(read: PlateRead, profile: PushProfile, camera: CameraInfo) -> dict[str, Any]:
    """The event's JSON document, without images."""
    left, top, width, height = read.box
    capture_ms = read.capture_ms
    return {
        "packetCounter": str(read.packet),
        "capture_timestamp": str(capture_ms),
        "frame_timestamp": str(read.frame_us),
        "capture_ts": str(capture_ms * 1_000_000),
        "datetime": _datetime(read.capture_time),
        "plateText": read.text,
        "plateUnicode": read.text,
        "plateUTF8": read.text,
        "plateASCII": _ascii(read.text),
        "plateCountry": read.country,
        "plateISO3166-2": read.iso3166_2,
        "plateRegion": read.region,
        "plateRegionCode": read.region_code,
        "plateList": read.list_name,
        "plateListMode": read.list_mode,
        "plateListDescription": read.list_description,
        "plateConfidence": f"{read.confidence:.6f}",
        "carState": read.car_state,
        "roiID": str(read.roi),
        "geotag": _geotag(profile),
        "imageType": "plate",
        "plateImageType": "jpeg",
        "plateImageSize": "0" if profile.skip_image_in_post else str(len(read.image)),
        "carMoveDirection": read.direction,
        "timeProcessing": str(PROCESSING_MS),
        "plateCoordinates": [left, top, width, height],
        "plateCoordinatesRelative": [left, top, width, height],
        "carID": str(read.car_id),
        "GEOtarget": "Camera",
        "imagesURI": [IMAGE_URI + read.image_name],
        "imageFile": IMAGE_DIR + read.image_name,
        "profileID": str(profile.index),
        "vehicle_info": {"view": read.view, "type": read.vehicle_type, "color": read.color},
        "camera_info": {
            "SerialNumber": camera.serial,
            "ProdShortName": camera.product,
            "IPAddress": camera.ip_address,
            "MACAddress": camera.mac_address,
        },
        "sensorProviderID": profile.sensor_provider_id,
    }


def _images(read: PlateRead, profile: PushProfile) -> list[tuple[str, bytes]]:
    """``(kind, jpeg)`` of the images the profile sends: none, the plate, or both."""
    if profile.skip_image_in_post:
        return []
    images = [("plate", read.image)]
    if profile.send_second_image:
        images.append(("roi", read.roi_image))
    return images


def _with_image_array(read: PlateRead, profile: PushProfile, camera: CameraInfo) -> bytes:
    body = document(read, profile, camera)
    images = _images(read, profile)
    if images:
        body["ImageArray"] = [
            {
                "ImageType": kind,
                "ImageFormat": "jpg",
                "BinaryImage": base64.b64encode(jpeg).decode("ascii"),
            }
            for kind, jpeg in images
        ]
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def http_body(read: PlateRead, profile: PushProfile, camera: CameraInfo) -> Body:
    """What an HTTP profile POSTs: a multipart form, or JSON with base64 images."""
    if not profile.use_multipart:
        return Body("application/json", _with_image_array(read, profile, camera))
    event = json.dumps(document(read, profile, camera), ensure_ascii=False).encode("utf-8")
    parts = [FormPart("event", event, filename="event.json", content_type="application/json")]
    for number, (_kind, jpeg) in enumerate(_images(read, profile), start=1):
        name = "image" if number == 1 else f"image{number}"
        suffix = "" if number == 1 else f"_{number}"
        filename = f"{read.car_id}_{read.packet}{suffix}.jpg"
        parts.append(FormPart(name, jpeg, filename=filename, content_type="image/jpeg"))
    content, content_type = encode_form(parts)
    return Body(content_type, content)


def tcp_message(read: PlateRead, profile: PushProfile, camera: CameraInfo) -> bytes:
    """What a TCP profile writes: one JSON document (images in ``ImageArray``) and a newline."""
    return _with_image_array(read, profile, camera) + b"\n"
