"""Plate reads from the License Plate Verifier's push documents (reference §7.2).

The reference's two literal samples, the 2021 payload's escapes, the errors that name the
bad field, and property tests: nothing but ``PushFormatError`` ever comes out of the parser,
and a valid generated document reads back field for field.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axisctl.errors import ParseError
from axisctl.lpr import (
    CameraInfo,
    CarState,
    Direction,
    GeoTag,
    ListHit,
    ListMode,
    PlateBox,
    PlateImage,
    PlateRead,
    PushFormatError,
    VehicleInfo,
    image_filename,
    parse_push,
    save_images,
)

UTC = dt.timezone.utc

#: The reference's HTTP sample (AXIS Q1700-LE), verbatim, cut into lines that fit.
DOC_SAMPLE = (
    '{"packetCounter": "2117397", "capture_timestamp": "1702297625507", '
    '"frame_timestamp": "1702297625507641",\n'
    ' "capture_ts": "1702297625507000000", "datetime": "20231211 142705507",\n'
    ' "plateText": "HWR6677", "plateUnicode": "HWR6677", "plateUTF8": "HWR6677", '
    '"plateASCII": "HWR6677",\n'
    ' "plateCountry": "DEU", "plateISO3166-2": "", "plateRegion": "Hannover", '
    '"plateRegionCode": "H",\n'
    ' "plateList": "", "plateListMode": "", "plateListDescription": "", '
    '"plateConfidence": "0.737210",\n'
    ' "carState": "update", "roiID": "1", "geotag": {"lat": 55.70421, "lon": 13.19366},\n'
    ' "imageType": "plate", "plateImageType": "jpeg", "plateImageSize": "0", '
    '"carMoveDirection": "out",\n'
    ' "timeProcessing": "0", "plateCoordinates": [514, 570, 120, 28], '
    '"plateCoordinatesRelative": [514, 570, 120, 28],\n'
    ' "carID": "54950", "GEOtarget": "Camera",\n'
    ' "imagesURI": ["/local/fflprapp/tools.cgi?action=getImage&name='
    '52/20231211142706_413731lp_HWR6677_2117396.jpg",\n'
    '               "/local/fflprapp/tools.cgi?action=getImage&name='
    '48/20231211142705_954662roi_MWR6677_2117394.jpg"],\n'
    ' "imageFile": "localdata/images/48/20231211142705_954662roi_MWR6677_2117394.jpg",\n'
    ' "imageFile2": "localdata/images/52/20231211142706_413731lp_HWR6677_2117396.jpg",\n'
    ' "profileID": "2", "vehicle_info": {"view": "front", "type": "CAR", "color": "BLACK"},\n'
    ' "camera_info": {"SerialNumber": "ACCC8EBFB452", "ProdShortName": "AXIS Q1700-LE", '
    '"IPAddress": "10.0.3.177", "MACAddress": "ACCC8EBFB452"},\n'
    ' "sensorProviderID": "defaultID"}'
)

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"


def tcp_sample() -> bytes:
    """The reference's TCP sample: a block-list hit, a non-ASCII plate, ImageArray."""
    document = json.loads(DOC_SAMPLE)
    document.update(
        {
            "plateText": "TÖLSL123",
            "plateUnicode": "TÖLSL123",
            "plateUTF8": "TÖLSL123",
            "plateASCII": "T?LSL123",
            "plateRegionCode": "TÖL",
            "plateList": "Block list",
            "plateListMode": "block",
            "plateListDescription": "car_test_1",
            "ImageArray": [
                {
                    "ImageType": "",
                    "ImageFormat": "jpg",
                    "BinaryImage": base64.b64encode(JPEG).decode(),
                }
            ],
        }
    )
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def minimal(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "carID": "7",
        "carState": "new",
        "capture_timestamp": "1700000000123",
        "plateUnicode": "ABC123",
    }
    doc.update(extra)
    return doc


# --- the reference's samples -----------------------------------------------------------------


def test_the_documented_http_sample_reads_field_for_field() -> None:
    read = parse_push(DOC_SAMPLE.encode())
    assert read.text == "HWR6677"
    assert read.ascii == "HWR6677"
    assert (read.country, read.region, read.region_code, read.iso3166_2) == (
        "DEU",
        "Hannover",
        "H",
        "",
    )
    assert read.confidence == pytest.approx(0.73721)
    assert read.car_state is CarState.UPDATE
    assert read.car_id == 54950
    assert read.packet_counter == 2117397
    assert read.direction is Direction.OUT
    assert read.captured_at == dt.datetime(2023, 12, 11, 12, 27, 5, 507000, tzinfo=UTC)
    assert read.frame_time == dt.datetime(2023, 12, 11, 12, 27, 5, 507641, tzinfo=UTC)
    assert read.camera_datetime == "20231211 142705507"
    assert read.list_hit is None
    assert read.roi_id == 1
    assert read.plate_box == PlateBox(514, 570, 120, 28)
    assert read.geotag == GeoTag(55.70421, 13.19366)
    assert read.vehicle == VehicleInfo(view="front", type="CAR", color="BLACK")
    assert read.camera == CameraInfo("ACCC8EBFB452", "AXIS Q1700-LE", "10.0.3.177", "ACCC8EBFB452")
    assert read.image_uris[0].endswith("lp_HWR6677_2117396.jpg")
    assert len(read.image_uris) == 2
    assert read.images == ()
    assert read.profile_id == 2
    assert read.sensor_provider_id == "defaultID"
    assert read.key == ("ACCC8EBFB452", 54950, 2117397)
    # Fields the model does not name are kept as sent.
    assert read.raw["imageFile2"].endswith("2117396.jpg")
    assert read.raw["GEOtarget"] == "Camera"


def test_the_tcp_sample_keeps_the_non_ascii_plate_and_the_block_list_hit() -> None:
    read = parse_push(tcp_sample())
    assert read.text == "TÖLSL123"
    assert read.ascii == "T?LSL123"
    assert read.region_code == "TÖL"
    assert read.list_hit == ListHit("Block list", ListMode.BLOCK, "car_test_1")
    (image,) = read.images
    # The sample's "ImageType": "" is the plate image; "jpg" is JPEG.
    assert image == PlateImage("plate", "jpeg", JPEG)
    assert "BinaryImage" not in read.raw["ImageArray"][0]
    assert read.raw["ImageArray"][0]["ImageFormat"] == "jpg"


def test_the_2021_payloads_escaped_plates_decode_to_the_text() -> None:
    # As the P1445-LE-3 sent it: \u escapes in plateText/plateUnicode, LOST, frame 0.
    body = (
        rb'{"carID":"12","carState":"lost","capture_timestamp":"1623418338252",'
        rb'"frame_timestamp":"0","datetime":"20210611 130538252",'
        rb'"plateText":"\u0052\u004c\u0036\u0034\u0037","plateUnicode":"\u0052\u00d6\u0036\u0034",'
        rb'"imageFile":"/var/spool/storage/SD_DISK/fflprapp/images/1.jpg",'
        rb'"camera_info":{"SerialNumber":"ACCC8ED3290D","ProdShortName":"AXIS P1445-LE-3",'
        rb'"MACAddress":"AC:CC:8E:D3:29:0D"}}'
    )
    read = parse_push(body)
    assert read.text == "RÖ64"  # plateUnicode is preferred over plateText
    assert read.raw["plateText"] == "RL647"
    assert read.ascii == "R?64"
    assert read.car_state is CarState.LOST
    assert read.frame_time is None
    assert read.camera_datetime == "20210611 130538252"
    assert read.camera is not None
    assert read.camera.mac_address == "AC:CC:8E:D3:29:0D"
    assert read.camera.ip_address == ""


def test_a_document_with_only_the_required_fields() -> None:
    read = parse_push(minimal())
    assert read.text == "ABC123"
    assert read.packet_counter is None
    assert read.direction is Direction.UNKNOWN
    assert read.confidence is None
    assert read.camera is None
    assert read.key == ("", 7, None)


@pytest.mark.parametrize("key", ["plateUnicode", "plateUTF8", "plateText"])
def test_any_one_plate_field_is_enough(key: str) -> None:
    doc = minimal()
    del doc["plateUnicode"]
    doc[key] = "XY 12-34"
    assert parse_push(doc).text == "XY 12-34"


def test_numbers_as_json_numbers_are_accepted_too() -> None:
    read = parse_push(minimal(carID=9, packetCounter=10, plateConfidence=0.5, roiID=2))
    assert (read.car_id, read.packet_counter, read.confidence, read.roi_id) == (9, 10, 0.5, 2)


def test_a_list_hit_without_a_mode_is_mode_none() -> None:
    read = parse_push(minimal(plateList="Custom list", plateListMode=""))
    assert read.list_hit == ListHit("Custom list", ListMode.NONE, "")


def test_enums_ignore_case() -> None:
    read = parse_push(minimal(carState="LOST", carMoveDirection="In"))
    assert (read.car_state, read.direction) == (CarState.LOST, Direction.IN)


# --- errors name the field -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"carID": None}, "carID", "carID is missing"),
        ({"carID": "12a"}, "carID", "expected a decimal number"),
        ({"carID": "1" * 5000}, "carID", "a string of 5000 characters"),
        ({"carState": None}, "carState", "carState is missing"),
        ({"carState": "parked"}, "carState", "expected one of new, update, lost"),
        ({"capture_timestamp": None}, "capture_timestamp", "missing"),
        ({"capture_timestamp": "9" * 19}, "capture_timestamp", "out of the range of dates"),
        ({"plateUnicode": None}, "plateUnicode", "the plate is missing"),
        ({"plateUnicode": "  "}, "plateUnicode", "the plate text is empty"),
        ({"plateUnicode": 5}, "plateUnicode", "plateUnicode is an integer, expected a string"),
        ({"carMoveDirection": "up"}, "carMoveDirection", "expected one of in, out, unknown"),
        ({"plateConfidence": "high"}, "plateConfidence", "expected a number"),
        ({"plateConfidence": "1.5"}, "plateConfidence", "expected 0 to 1"),
        ({"plateConfidence": "nan"}, "plateConfidence", "expected a number"),
        ({"plateListMode": "deny"}, "plateListMode", "expected one of allow, block, none"),
        ({"plateCoordinates": [1, 2, 3]}, "plateCoordinates", "expected four integers"),
        ({"geotag": {"lat": 1.0}}, "geotag", "lacks lat or lon"),
        ({"geotag": {"lat": "north", "lon": 1}}, "geotag.lat", "expected a number"),
        ({"vehicle_info": "car"}, "vehicle_info", "expected an object"),
        ({"camera_info": {"SerialNumber": 1}}, "camera_info.SerialNumber", "expected a string"),
        ({"imagesURI": "x"}, "imagesURI", "expected a list of strings"),
        ({"ImageArray": {}}, "ImageArray", "expected a list"),
        ({"ImageArray": [{"BinaryImage": "!!!"}]}, "ImageArray[0].BinaryImage", "not valid base64"),
        ({"ImageArray": [{"BinaryImage": 1}]}, "ImageArray[0].BinaryImage", "expected base64"),
        ({"ImageArray": ["x"]}, "ImageArray[0]", "expected an object"),
    ],
)
def test_a_bad_field_is_named(change: dict[str, Any], field: str, words: str) -> None:
    doc = minimal()
    for key, value in change.items():
        if value is None:
            del doc[key]
        else:
            doc[key] = value
    with pytest.raises(PushFormatError) as caught:
        parse_push(doc)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert isinstance(caught.value, ParseError)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "not valid JSON"),
        (b'{"carID": "1",', "not valid JSON"),
        (b"[1, 2]", "is a list, expected a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(body: bytes, words: str) -> None:
    with pytest.raises(PushFormatError, match=words):
        parse_push(body)


def test_a_byte_order_mark_is_allowed() -> None:
    assert parse_push(b"\xef\xbb\xbf" + json.dumps(minimal()).encode()).car_id == 7


# --- the model -------------------------------------------------------------------------------


def test_an_image_repr_shows_its_size_not_its_bytes() -> None:
    image = PlateImage("plate", "jpeg", b"\x00" * 100_000)
    assert repr(image) == "PlateImage(kind='plate', format='jpeg', size=100000)"
    read = parse_push(minimal(ImageArray=[{"BinaryImage": base64.b64encode(JPEG).decode()}]))
    assert "\\x" not in repr(read)
    assert len(repr(read)) < 2000


def test_to_json_is_json_ready_with_utc_times_and_no_image_bytes() -> None:
    read = parse_push(tcp_sample())
    line = json.loads(json.dumps(read.to_json(), ensure_ascii=False))
    assert line["text"] == "TÖLSL123"
    assert line["car_state"] == "update"
    assert line["direction"] == "out"
    assert line["captured_at"] == "2023-12-11T12:27:05.507000Z"
    assert line["list"] == {"name": "Block list", "mode": "block", "description": "car_test_1"}
    assert line["images"] == [{"kind": "plate", "format": "jpeg", "size": len(JPEG)}]
    assert line["camera"]["serial_number"] == "ACCC8EBFB452"
    assert line["duplicate"] is False
    assert "raw" not in line
    with_raw = read.to_json(include_raw=True)
    assert with_raw["raw"]["GEOtarget"] == "Camera"


def test_reads_are_hashable_values() -> None:
    first, second = parse_push(DOC_SAMPLE), parse_push(DOC_SAMPLE)
    assert first == second
    assert len({first, second}) == 1


# --- saving images ---------------------------------------------------------------------------


def test_image_names_come_from_car_packet_and_kind_only(tmp_path: Path) -> None:
    images = [
        {"ImageType": "../../etc/passwd", "ImageFormat": "/bin/sh", "BinaryImage": "AAAA"},
        {"ImageType": "plate", "ImageFormat": "jpg", "BinaryImage": "AAAA"},
        {"ImageType": "plate", "ImageFormat": "png", "BinaryImage": "AAAA"},
    ]
    read = parse_push(minimal(packetCounter="33", ImageArray=images))
    names = [image_filename(read, image, i) for i, image in enumerate(read.images)]
    assert names == ["7_33_etcpasswd.bin", "7_33_plate.jpg", "7_33_plate3.png"]
    paths = save_images(read, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names)
    assert all(path.parent == tmp_path for path in paths)


def test_without_a_packet_counter_the_capture_time_names_the_image() -> None:
    read = parse_push(minimal(ImageArray=[{"BinaryImage": base64.b64encode(JPEG).decode()}]))
    assert image_filename(read, read.images[0], 0) == "7_t1700000000123_plate.jpg"


def test_a_failed_save_leaves_no_file_behind(tmp_path: Path) -> None:
    images = [
        {"ImageType": "plate", "BinaryImage": "AAAA"},
        {"ImageType": "roi", "BinaryImage": "AAAA"},
    ]
    read = parse_push(minimal(packetCounter="1", ImageArray=images))
    (tmp_path / "7_1_roi.bin").mkdir()  # the second image cannot take its name
    with pytest.raises(IsADirectoryError):
        save_images(read, tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["7_1_roi.bin"]


# --- property tests --------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
KNOWN_KEYS = [
    "carID", "carState", "capture_timestamp", "frame_timestamp", "plateUnicode", "plateUTF8",
    "plateText", "plateASCII", "plateConfidence", "packetCounter", "carMoveDirection",
    "plateList", "plateListMode", "plateListDescription", "roiID", "plateCoordinates", "geotag",
    "vehicle_info", "camera_info", "imagesURI", "ImageArray", "profileID", "plateCountry",
]  # fmt: skip
known_values = st.one_of(
    json_values,
    st.from_regex(r"\A[0-9]{1,25}\Z"),
    st.sampled_from(["new", "update", "lost", "in", "out", "allow", "block", "", " ", "0"]),
    st.lists(st.integers(), max_size=5),
    st.lists(st.dictionaries(st.sampled_from(["ImageType", "ImageFormat", "BinaryImage"]),
                             json_scalars | st.sampled_from(["AAAA", "/9j/", "jpg"]))),
    st.dictionaries(st.sampled_from(["lat", "lon", "SerialNumber", "view"]), json_scalars),
)  # fmt: skip


@given(st.binary(max_size=300))
def test_any_bytes_give_a_read_or_a_push_format_error(body: bytes) -> None:
    with contextlib.suppress(PushFormatError):
        parse_push(body)


@given(json_values)
def test_any_json_gives_a_read_or_a_push_format_error(value: Any) -> None:
    with contextlib.suppress(PushFormatError):
        parse_push(json.dumps(value))


@given(st.dictionaries(st.sampled_from(KNOWN_KEYS), known_values, max_size=12))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_any_values_of_the_known_fields_give_a_read_or_a_push_format_error(
    doc: dict[str, Any],
) -> None:
    try:
        read = parse_push(doc)
    except PushFormatError as error:
        field = error.field
    else:
        assert read.text.strip()
        json.dumps(read.to_json())
        return
    assert field is None or field.split(".")[0].split("[")[0] in KNOWN_KEYS


plates = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(str.strip)


@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A push as the app would send it (strings everywhere), and the values it carries."""
    values = {
        "text": draw(plates),
        "car_id": draw(st.integers(0, 10**12)),
        "packet_counter": draw(st.integers(0, 10**12)),
        "car_state": draw(st.sampled_from(CarState)),
        "direction": draw(st.sampled_from(Direction)),
        "captured_ms": draw(st.integers(0, 253402300799999)),  # to the end of year 9999
        "confidence": draw(st.integers(0, 1_000_000)) / 1_000_000,
        "country": draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", max_size=3)),
        "list": draw(
            st.none() | st.tuples(st.text(min_size=1, max_size=10), st.sampled_from(ListMode))
        ),
        "roi": draw(st.integers(1, 2)),
        "image": draw(st.binary(max_size=64)),
    }  # fmt: skip
    doc = {
        "carID": str(values["car_id"]),
        "packetCounter": str(values["packet_counter"]),
        "carState": values["car_state"].value,
        "carMoveDirection": values["direction"].value,
        "capture_timestamp": str(values["captured_ms"]),
        "plateUnicode": values["text"],
        "plateUTF8": values["text"],
        "plateText": values["text"],
        "plateConfidence": f"{values['confidence']:.6f}",
        "plateCountry": values["country"],
        "plateList": values["list"][0] if values["list"] else "",
        "plateListMode": values["list"][1].value if values["list"] else "",
        "roiID": str(values["roi"]),
        "ImageArray": [
            {
                "ImageType": "plate",
                "ImageFormat": "jpg",
                "BinaryImage": base64.b64encode(values["image"]).decode(),
            }
        ],
    }  # fmt: skip
    return doc, values


@given(documents(), st.booleans())
def test_a_valid_document_reads_back_its_fields(
    generated: tuple[dict[str, Any], dict[str, Any]], as_bytes: bool
) -> None:
    doc, values = generated
    read = parse_push(json.dumps(doc).encode() if as_bytes else doc)
    assert read.text == values["text"]
    assert read.car_id == values["car_id"]
    assert read.packet_counter == values["packet_counter"]
    assert read.car_state is values["car_state"]
    assert read.direction is values["direction"]
    assert read.captured_at.tzinfo is not None
    assert round(read.captured_at.timestamp() * 1000) == values["captured_ms"]
    assert read.confidence == pytest.approx(values["confidence"])
    assert read.country == values["country"]
    expected_hit = ListHit(values["list"][0], values["list"][1]) if values["list"] else None
    assert read.list_hit == expected_hit
    assert read.roi_id == values["roi"]
    assert read.images == (
        (PlateImage("plate", "jpeg", values["image"]),) if values["image"] else ()
    )
    assert isinstance(read, PlateRead)
