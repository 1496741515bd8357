"""``/local/fflprapp/``: the License Plate Verifier app's HTTP endpoints on a simulated camera."""

from __future__ import annotations

from aiohttp import web

#: Every path of the app starts here; all of them need an administrator (digest).
PREFIX = "/local/fflprapp/"


def add_routes(router: web.UrlDispatcher) -> None:
    """Register the app's endpoints."""
