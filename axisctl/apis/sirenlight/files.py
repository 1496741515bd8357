"""Profile files: export profiles from one device and import them into others.

A file is a JSON array of profile objects, exactly the ``file`` part of ``uploadProfiles``,
so an exported file uploads to any device unchanged. Reading checks every profile and
raises :class:`~axisctl.errors.ParseError` naming the profile (by index and name) and the
field, before anything is sent. Writing goes to a temporary file in the same folder that
is then renamed over the target, so a crash never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from axisctl.apis.sirenlight.api import check_profiles
from axisctl.apis.sirenlight.errors import InvalidProfileError
from axisctl.apis.sirenlight.models import Profile
from axisctl.errors import ParseError


def dumps_profiles(profiles: Iterable[Profile]) -> str:
    """The file text: a JSON array, two-space indented, ending in a newline."""
    return json.dumps([p.to_json() for p in profiles], indent=2, ensure_ascii=False) + "\n"


def profiles_from_json(value: Any, *, source: str = "profiles") -> list[Profile]:
    """Profiles from parsed JSON (an array of profile objects), checked as for an upload.

    Raises only :class:`ParseError`; its message starts with ``source`` and the index.
    """
    if not isinstance(value, list):
        raise ParseError(f"{source}: expected a JSON array of profiles, got {_kind(value)}")
    profiles = []
    for index, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else None
        label = f"{source}: profile {index}" + (f" ({name!r})" if isinstance(name, str) else "")
        try:
            profiles.append(Profile.from_json(item, "profile"))
        except ParseError as exc:
            raise ParseError(f"{label}: {exc.message}") from None
    try:
        check_profiles(profiles, None)
    except InvalidProfileError as exc:
        raise ParseError(f"{source}: {exc.message}") from None
    return profiles


def loads_profiles(text: str | bytes, *, source: str = "profiles") -> list[Profile]:
    """Parse file text; raises only :class:`ParseError`."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ParseError(f"{source}: JSON nested too deeply") from None
    except ValueError as exc:
        # JSONDecodeError, UnicodeDecodeError and over-long integers are all ValueErrors.
        raise ParseError(f"{source}: not valid JSON ({exc})") from None
    return profiles_from_json(value, source=source)


def read_profiles(path: str | os.PathLike[str]) -> list[Profile]:
    """Read a profile file; ``OSError`` if it cannot be read, ``ParseError`` if it is bad."""
    file = Path(path)
    return loads_profiles(file.read_bytes(), source=str(file))


def write_profiles(path: str | os.PathLike[str], profiles: Iterable[Profile]) -> None:
    """Write a profile file atomically: all of it or, on any failure, nothing."""
    target = Path(path)
    text = dumps_profiles(profiles)
    handle, temp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        # mkstemp makes the file private; an export is not secret, so give it the mode an
        # ordinary new file would have, or keep the mode of the file it replaces.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"
