"""``siren_and_light.cgi`` of a simulated strobe speaker (work in progress)."""

from __future__ import annotations

from aiohttp import web


async def siren_and_light_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")
