"""``virtualinput/*.cgi`` of a simulated device (filled in by the virtual-input work)."""

from __future__ import annotations

from aiohttp import web


async def activate_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")


async def deactivate_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")


async def getschemaversions_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")
