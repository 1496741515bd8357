"""``upload.cgi``: a CSV file sent in chunks, then imported all or nothing.

    POST upload.cgi?command=new&list=allow_list.csv      starts (or restarts) an upload
    POST upload.cgi?command=upload&list=allow_list.csv   appends the ``data`` part
    POST upload.cgi?command=save&list=allow_list.csv     reads the file and imports it

Each request is ``multipart/form-data`` with the fields ``command``, ``list`` and ``data``
(the chunk, for ``upload``); the query string may carry ``command`` and ``list`` instead.
``save`` reads the staged bytes with :func:`~axisctl.apis.lpr.plate_csv.parse_plate_csv`:
with any bad line it answers 400 listing every one, and imports nothing. The staged upload
is discarded by ``save`` whatever its outcome. One upload per list is staged at a time; a
second ``new`` restarts it.
"""

from __future__ import annotations

import threading
import weakref

from aiohttp import BodyPartReader, web
from multidict import MultiDict

from axisctl.apis.lpr.plate_csv import MAX_CSV_BYTES, parse_plate_csv
from axisctl.sim.handlers.lpr_common import Refused, allow, app_of, find_list
from axisctl.sim.handlers.lpr_lists import add_entries
from axisctl.sim.lpr.app import LprApp
from axisctl.sim.lpr.state import LprState
from axisctl.sim.webctx import device_of

COMMANDS = ("new", "upload", "save")


class _Staged:
    """The uploads in progress on one app, by list key; forgotten when the state is replaced
    (factory default)."""

    def __init__(self, state: LprState) -> None:
        self.state = state
        self.uploads: dict[str, bytearray] = {}


# Keyed by the app object so that no state field is needed for a transfer in progress. Its
# own lock, because simulators of several devices may serve from several threads.
_STAGED: weakref.WeakKeyDictionary[LprApp, _Staged] = weakref.WeakKeyDictionary()
_STAGED_LOCK = threading.Lock()


def _staged(app: LprApp) -> dict[str, bytearray]:
    with _STAGED_LOCK:
        staged = _STAGED.get(app)
        if staged is None or staged.state is not app.state:
            staged = _STAGED[app] = _Staged(app.state)
        return staged.uploads


async def _form(request: web.Request) -> tuple[MultiDict[str], bytes]:
    """Text fields (query first, then form) and the ``data`` part's bytes."""
    fields: MultiDict[str] = MultiDict(request.query)
    data = b""
    if request.content_type != "multipart/form-data":
        return fields, data
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise Refused("nested multipart bodies are not accepted")
            if part.name == "data":
                data = await part.read()
            elif part.name in ("command", "list"):
                fields[part.name] = (await part.read()).decode("utf-8", errors="replace").strip()
    except (ValueError, AssertionError) as exc:
        raise Refused(f"body is not valid multipart/form-data: {exc}") from None
    return fields, data


async def upload_cgi(request: web.Request) -> web.StreamResponse:
    try:
        allow(request, "POST")
        app = app_of(request)
        fields, data = await _form(request)
        command = fields.get("command", "")
        if command not in COMMANDS:
            what = f"command {command!r:.30} is unknown" if command else "command is missing"
            raise Refused(f"{what}; expected new, upload or save")
        filename = fields.get("list", "").strip()
        if not filename.endswith(".csv"):
            raise Refused(f"list {filename!r:.60} is not <list>.csv, e.g. allow_list.csv")
        with device_of(request).lock:
            plate_list = find_list(app.state, filename.removesuffix(".csv"))
            uploads = _staged(app)
            if command == "new":
                uploads[plate_list.key] = bytearray()
                return web.Response(text="OK", content_type="text/plain")
            staged = (
                uploads.get(plate_list.key)
                if command == "upload"
                else (uploads.pop(plate_list.key, None))
            )
            if staged is None:
                raise Refused(f"no upload in progress for {filename}; send command=new first")
            if command == "upload":
                if len(staged) + len(data) > MAX_CSV_BYTES:
                    del uploads[plate_list.key]
                    raise Refused(f"the upload is larger than {MAX_CSV_BYTES} bytes; discarded")
                staged.extend(data)
                return web.Response(text="OK", content_type="text/plain")
            entries, errors = parse_plate_csv(bytes(staged))
            if errors:
                count = len(errors)
                noun = "bad line" if count == 1 else "bad lines"
                lines = [f"{count} {noun} in {filename}; nothing imported"]
                lines += [str(error) for error in errors]
                raise Refused("\n".join(lines))
            add_entries(plate_list, entries)
            return web.Response(text="OK", content_type="text/plain")
    except Refused as refused:
        return refused.response()
