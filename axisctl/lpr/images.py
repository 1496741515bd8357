"""Saving a read's images to a folder: safe names, atomic writes.

The name comes only from numbers the parser checked and a label stripped to a few safe
characters, so no push can name a file outside the folder (``../``, absolute paths, device
names). Each file is written to a temporary name in the same folder and renamed into place,
so a reader of the folder never sees half an image.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

from axisctl.lpr.models import PlateImage, PlateRead

__all__ = ["image_filename", "save_images"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "bmp": "bmp", "webp": "webp"}


def _label(text: str, fallback: str) -> str:
    cleaned = _UNSAFE.sub("", text)[:32]
    return cleaned or fallback


def image_filename(read: PlateRead, image: PlateImage, index: int) -> str:
    """``<carID>_<packetCounter>_<kind>.<ext>``, e.g. ``54950_2117397_plate.jpg``.

    A push without ``packetCounter`` uses ``t<capture ms>`` in its place; a second image
    of the same kind gets its position appended.
    """
    counter = (
        str(read.packet_counter)
        if read.packet_counter is not None
        else f"t{int(read.captured_at.timestamp() * 1000)}"
    )
    kind = _label(image.kind, "image")
    if any(_label(other.kind, "image") == kind for other in read.images[:index]):
        kind = f"{kind}{index + 1}"
    extension = _EXTENSIONS.get(image.format, "bin")
    return f"{read.car_id}_{counter}_{kind}.{extension}"


def save_images(read: PlateRead, folder: Path) -> tuple[Path, ...]:
    """Write every image of ``read`` into ``folder``; returns the paths, in image order.

    Blocking file I/O: the receiver runs it in a worker thread. On an error no file of this
    read is left behind, neither a temporary one nor one already renamed.
    """
    written: list[Path] = []
    try:
        for index, image in enumerate(read.images):
            target = folder / image_filename(read, image, index)
            _write_atomically(target, image.data)
            written.append(target)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return tuple(written)


def _write_atomically(target: Path, data: bytes) -> None:
    # Not tempfile.mkstemp: its 0600 would make the images private; 0666 minus the umask
    # gives them the permissions any other new file in the folder gets.
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
