"""``mqtt/client.cgi`` and ``mqtt/event.cgi`` of a simulated device."""

from __future__ import annotations

from aiohttp import web


async def client_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")


async def event_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")
