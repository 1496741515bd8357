"""``io/port.cgi`` and ``io/portmanagement.cgi`` of a simulated device."""

from __future__ import annotations

from aiohttp import web


async def port_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="port.cgi is not simulated yet\n")


async def portmanagement_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="portmanagement.cgi is not simulated yet\n")
