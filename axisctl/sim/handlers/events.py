"""Event service of a simulated device: ``/vapix/ws-data-stream``, ``wssession.cgi``, SOAP."""

from __future__ import annotations

from aiohttp import web


async def ws_data_stream(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")


async def wssession_cgi(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")


async def services(request: web.Request) -> web.StreamResponse:
    return web.Response(status=501, text="not simulated yet\n")
