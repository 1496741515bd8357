"""``multipart/form-data`` pushes: the ``event`` part's JSON and the image parts.

A strict reader of a body already held in memory (the receiver caps its size first): a
truncated body, a missing closing boundary or a part without headers is an error, never a
silently shorter push.
"""

from __future__ import annotations

import email.message
from dataclasses import dataclass, field

from axisctl.lpr.models import PlateImage, PlateRead
from axisctl.lpr.parse import PushFormatError, decode_document, image_format, parse_push

__all__ = ["FormPart", "parse_form_data", "parse_form_push"]

#: The name of the part that carries the JSON document.
EVENT_PART = "event"
MAX_PARTS = 32
MAX_PART_HEADERS = 8192


@dataclass(frozen=True)
class FormPart:
    """One part of a form: its name, file name (if any), content type and bytes."""

    name: str
    filename: str | None
    content_type: str
    data: bytes = field(repr=False)


def media_type(content_type: str) -> tuple[str, dict[str, str]]:
    """``"multipart/form-data; boundary=x"`` -> ``("multipart/form-data", {"boundary": "x"})``."""
    message = email.message.Message()
    message["content-type"] = content_type
    params: dict[str, str] = {}
    for name, value in message.get_params(failobj=[])[1:]:
        params[name.lower()] = value if isinstance(value, str) else ""
    # Not message.get_content_type(): it turns anything it cannot read into text/plain.
    return content_type.partition(";")[0].strip().lower(), params


def parse_form_data(body: bytes, content_type: str) -> list[FormPart]:
    """The parts of a ``multipart/form-data`` body; :class:`PushFormatError` if malformed."""
    boundary = media_type(content_type)[1].get("boundary", "")
    if not boundary or len(boundary) > 200:
        raise PushFormatError("the multipart Content-Type has no usable boundary")
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    if body.startswith(delimiter):
        position = len(delimiter)
    else:
        start = body.find(b"\r\n" + delimiter)  # after a preamble
        if start < 0:
            raise PushFormatError("the multipart body has no boundary line")
        position = start + 2 + len(delimiter)
    parts: list[FormPart] = []
    separator = b"\r\n" + delimiter
    while True:
        if body.startswith(b"--", position):
            return parts  # the closing delimiter; an epilogue after it is ignored
        line_end = body.find(b"\r\n", position)
        if line_end < 0 or body[position:line_end].strip(b" \t"):
            raise PushFormatError("the multipart body ends before its closing boundary")
        if len(parts) == MAX_PARTS:
            raise PushFormatError(f"the multipart body has more than {MAX_PARTS} parts")
        headers_end = body.find(b"\r\n\r\n", line_end, line_end + 4 + MAX_PART_HEADERS)
        if headers_end < 0:
            raise PushFormatError(f"multipart part {len(parts) + 1} has no end of its headers")
        content_start = headers_end + 4
        content_end = body.find(separator, content_start)
        if content_end < 0:
            raise PushFormatError("the multipart body ends before its closing boundary")
        headers = body[line_end + 2 : headers_end]
        parts.append(_part(headers, body[content_start:content_end], len(parts) + 1))
        position = content_end + len(separator)


def _part(headers: bytes, data: bytes, number: int) -> FormPart:
    message = email.message.Message()
    for line in headers.decode("utf-8", "replace").split("\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise PushFormatError(f"multipart part {number} has a malformed header line")
        message[name.strip()] = value.strip()
    disposition = message.get("content-disposition")
    if disposition is None or message.get_content_disposition() != "form-data":
        raise PushFormatError(f"multipart part {number} is not form-data")
    part_name = message.get_param("name", header="content-disposition")
    filename = message.get_filename()
    if not isinstance(part_name, str) or not part_name:
        raise PushFormatError(f"multipart part {number} has no name")
    content_type = message.get("content-type", "")
    return FormPart(part_name, filename, str(content_type), data)


def parse_form_push(body: bytes, content_type: str) -> PlateRead:
    """A ``multipart/form-data`` push: the ``event`` part's document and the image parts.

    The part named ``image`` is the image the document's ``imageType`` names (the plate);
    other image parts (``image2`` ...) keep their part name as kind.
    """
    parts = parse_form_data(body, content_type)
    events = [part for part in parts if part.name == EVENT_PART]
    if not events:
        names = ", ".join(part.name for part in parts) or "none"
        raise PushFormatError(
            f"the multipart body has no '{EVENT_PART}' part (parts: {names:.200})",
            field=EVENT_PART,
        )
    if len(events) > 1:
        raise PushFormatError(f"the multipart body has {len(events)} '{EVENT_PART}' parts")
    document = decode_document(events[0].data)
    images = []
    for part in parts:
        if part is events[0] or not _is_image(part) or not part.data:
            continue
        label = document.get("imageType")
        kind = part.name
        if part.name == "image":
            kind = label.strip() if isinstance(label, str) and label.strip() else "plate"
        fmt = media_type(part.content_type)[0] if part.content_type else ""
        images.append(PlateImage(kind, image_format(fmt, part.data), part.data))
    return parse_push(document, images=images)


def _is_image(part: FormPart) -> bool:
    return part.name.startswith("image") or part.content_type.lower().startswith("image/")
