"""Query and form arguments of the text CGIs, which accept GET and form-encoded POST alike."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDict


async def arguments(request: web.Request) -> MultiDict[str]:
    merged: MultiDict[str] = MultiDict(request.query)
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                merged.add(key, value)
    return merged


def text(
    body: str, *, content_type: str = "text/plain", charset: str = "iso-8859-1"
) -> web.Response:
    return web.Response(
        body=body.encode(charset, errors="replace"), content_type=content_type, charset=charset
    )
