"""The push document (reference §7.2) to a :class:`~axisctl.lpr.models.PlateRead`.

The app sends every scalar as a string; numbers are also accepted as JSON numbers, since
integrations that relay pushes tend to "fix" them. A push needs ``carID``, ``carState``,
``capture_timestamp`` and a plate (``plateUnicode``, ``plateUTF8`` or ``plateText``); the rest
is optional, but a field that is there must have the documented shape, else
:class:`PushFormatError` names it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any

from axisctl.apis._json import kind
from axisctl.lpr.fields import (
    PushFormatError,
    epoch_time,
    field_error,
    read_decimal,
    read_enum,
    read_number,
    read_object,
    read_required_decimal,
    read_required_enum,
    read_string_list,
    read_strings,
    read_text,
)
from axisctl.lpr.models import (
    CameraInfo,
    CarState,
    Direction,
    GeoTag,
    ListHit,
    ListMode,
    PlateBox,
    PlateImage,
    PlateRead,
    VehicleInfo,
)

__all__ = ["PushFormatError", "decode_document", "image_format", "parse_push"]

#: The plate fields in the order they are preferred; all carry the same Unicode text.
PLATE_FIELDS = ("plateUnicode", "plateUTF8", "plateText")


def decode_document(document: bytes | str) -> dict[str, Any]:
    """The JSON object of a push body (UTF-8, a byte order mark allowed)."""
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PushFormatError(f"the body is not UTF-8 (byte {error.start})") from None
    try:
        value = json.loads(document)
    except json.JSONDecodeError as error:
        raise PushFormatError(
            f"the body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise PushFormatError("the body is not valid JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise PushFormatError(f"the body is {kind(value)}, expected a JSON object")
    return value


def parse_push(
    document: bytes | str | Mapping[str, Any], *, images: Iterable[PlateImage] = ()
) -> PlateRead:
    """Read one push: a JSON body (bytes or text) or the already decoded object.

    ``images`` are images that came beside the document (multipart parts); they go before
    those of the document's own ``ImageArray``. Raises :class:`PushFormatError`.
    """
    doc = document if isinstance(document, Mapping) else decode_document(document)
    text = _plate_text(doc)
    ascii_text = read_text(doc, "plateASCII") or "".join(c if c.isascii() else "?" for c in text)
    captured_ms = read_decimal(doc, "capture_timestamp", required=True)
    assert captured_ms is not None
    frame_us = read_decimal(doc, "frame_timestamp")
    return PlateRead(
        text=text,
        car_id=read_required_decimal(doc, "carID"),
        car_state=read_required_enum(doc, "carState", CarState),
        captured_at=epoch_time(captured_ms, 1000, "capture_timestamp"),
        ascii=ascii_text,
        country=read_text(doc, "plateCountry"),
        region=read_text(doc, "plateRegion"),
        region_code=read_text(doc, "plateRegionCode"),
        iso3166_2=read_text(doc, "plateISO3166-2"),
        confidence=_confidence(doc),
        packet_counter=read_decimal(doc, "packetCounter"),
        direction=read_enum(doc, "carMoveDirection", Direction) or Direction.UNKNOWN,
        # "0" on LOST: the event reports no frame of its own.
        frame_time=epoch_time(frame_us, 1_000_000, "frame_timestamp") if frame_us else None,
        camera_datetime=read_text(doc, "datetime"),
        list_hit=_list_hit(doc),
        roi_id=read_decimal(doc, "roiID"),
        plate_box=_plate_box(doc),
        geotag=_geotag(doc),
        vehicle=_vehicle(doc),
        camera=_camera(doc),
        images=(*images, *_image_array(doc)),
        image_uris=read_string_list(doc, "imagesURI"),
        sensor_provider_id=read_text(doc, "sensorProviderID"),
        profile_id=read_decimal(doc, "profileID"),
        raw=_without_image_data(doc),
    )


def image_format(label: str, data: bytes = b"") -> str:
    """``"jpg"``, ``"image/jpeg"`` -> ``"jpeg"``; an empty label is guessed from the bytes."""
    label = label.strip().lower().removeprefix("image/")
    if label in ("jpg", "jpeg", "pjpeg"):
        return "jpeg"
    if label:
        return label
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return ""


# --- field readers ---------------------------------------------------------------------------


def _plate_text(doc: Mapping[str, Any]) -> str:
    present = False
    for key in PLATE_FIELDS:
        value = read_text(doc, key)
        present = present or key in doc
        if value.strip():
            return value
    if present:
        raise PushFormatError("the plate text is empty", field="plateUnicode")
    raise PushFormatError(
        "the plate is missing: no plateUnicode, plateUTF8 or plateText", field="plateUnicode"
    )


def _confidence(doc: Mapping[str, Any]) -> float | None:
    value = read_number(doc.get("plateConfidence"), "plateConfidence")
    if value is not None and not 0.0 <= value <= 1.0:
        raise field_error("plateConfidence", f"is {value:g}, expected 0 to 1")
    return value


def _list_hit(doc: Mapping[str, Any]) -> ListHit | None:
    name = read_text(doc, "plateList")
    mode = read_enum(doc, "plateListMode", ListMode)
    if not name:
        return None
    return ListHit(name, mode or ListMode.NONE, read_text(doc, "plateListDescription"))


def _plate_box(doc: Mapping[str, Any]) -> PlateBox | None:
    value = doc.get("plateCoordinates")
    if value is None or value == []:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise field_error(
            "plateCoordinates", f"is {kind(value)}, expected four integers [x, y, w, h]"
        )
    return PlateBox(*value)


def _geotag(doc: Mapping[str, Any]) -> GeoTag | None:
    value = read_object(doc, "geotag")
    if not value:
        return None
    latitude = read_number(value.get("lat"), "geotag.lat")
    longitude = read_number(value.get("lon"), "geotag.lon")
    if latitude is None or longitude is None:
        raise field_error("geotag", "lacks lat or lon")
    return GeoTag(latitude, longitude)


def _vehicle(doc: Mapping[str, Any]) -> VehicleInfo | None:
    value = read_object(doc, "vehicle_info")
    if value is None:
        return None
    names = {"view": "view", "type": "type", "color": "color", "brand": "brand", "model": "model"}
    return VehicleInfo(**read_strings(value, names, "vehicle_info"))


def _camera(doc: Mapping[str, Any]) -> CameraInfo | None:
    value = read_object(doc, "camera_info")
    if value is None:
        return None
    names = {
        "SerialNumber": "serial_number",
        "ProdShortName": "product",
        "IPAddress": "ip_address",
        "MACAddress": "mac_address",
    }
    return CameraInfo(**read_strings(value, names, "camera_info"))


def _image_array(doc: Mapping[str, Any]) -> list[PlateImage]:
    value = doc.get("ImageArray")
    if value is None:
        return []
    if not isinstance(value, list):
        raise field_error("ImageArray", f"is {kind(value)}, expected a list")
    images: list[PlateImage] = []
    for index, entry in enumerate(value):
        where = f"ImageArray[{index}]"
        if not isinstance(entry, dict):
            raise field_error(where, f"is {kind(entry)}, expected an object")
        encoded = entry.get("BinaryImage")
        if encoded is not None and not isinstance(encoded, str):
            raise field_error(f"{where}.BinaryImage", f"is {kind(encoded)}, expected base64 text")
        if not encoded:
            continue  # an image the profile skipped
        try:
            data = base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            raise field_error(f"{where}.BinaryImage", "is not valid base64") from None
        label = entry.get("ImageType")
        fmt = entry.get("ImageFormat")
        if not isinstance(label, (str, type(None))) or not isinstance(fmt, (str, type(None))):
            raise field_error(where, "has an ImageType or ImageFormat that is not a string")
        # The TCP sample sends "ImageType": "" for the plate image.
        image_kind = label.strip() if label and label.strip() else _default_kind(doc, len(images))
        images.append(PlateImage(image_kind, image_format(fmt or "", data), data))
    return images


def _default_kind(doc: Mapping[str, Any], index: int) -> str:
    if index == 0:
        label = doc.get("imageType")
        return label.strip() if isinstance(label, str) and label.strip() else "plate"
    return f"image{index + 1}"


def _without_image_data(doc: Mapping[str, Any]) -> dict[str, Any]:
    raw = dict(doc)
    array = raw.get("ImageArray")
    if isinstance(array, list):
        raw["ImageArray"] = [
            {k: v for k, v in entry.items() if k != "BinaryImage"}
            if isinstance(entry, dict)
            else entry
            for entry in array
        ]
    return raw
