"""``/local/fflprapp/``: the License Plate Verifier app's HTTP endpoints on a simulated camera.

Every path needs an administrator (the auth middleware). Successful changes answer ``OK``;
refusals answer 400 (or 404 for a missing plate, list or image) with a one-line plain-text
reason and change nothing. The endpoints by module:

- :mod:`~axisctl.sim.handlers.lpr_lists`: ``list_mgmt.cgi``, ``<list>.cgi``, ``api.cgi``
- :mod:`~axisctl.sim.handlers.lpr_upload`: ``upload.cgi`` (CSV import)
- :mod:`~axisctl.sim.handlers.lpr_config`: ``cloud.cgi``, ``cloud2.cgi``, ``cloud3.cgi``,
  ``config.cgi``
- :mod:`~axisctl.sim.handlers.lpr_events`: ``events.cgi``, ``search.cgi``, ``tools.cgi``
"""

from __future__ import annotations

from aiohttp import web

from axisctl.sim.handlers import lpr_config, lpr_events, lpr_lists, lpr_upload
from axisctl.sim.lpr.state import PUSH_PROFILES

#: Every path of the app starts here; all of them need an administrator (digest).
PREFIX = "/local/fflprapp/"


def add_routes(router: web.UrlDispatcher) -> None:
    """Register the app's endpoints; ``<list>.cgi`` last, as it matches any other name."""
    router.add_route("*", PREFIX + "list_mgmt.cgi", lpr_lists.list_mgmt_cgi)
    router.add_route("*", PREFIX + "api.cgi", lpr_lists.api_cgi)
    router.add_route("*", PREFIX + "upload.cgi", lpr_upload.upload_cgi)
    for index in PUSH_PROFILES:
        name = "cloud.cgi" if index == 1 else f"cloud{index}.cgi"
        router.add_route("*", PREFIX + name, lpr_config.cloud_handler(index))
    router.add_route("*", PREFIX + "config.cgi", lpr_config.config_cgi)
    router.add_route("*", PREFIX + "events.cgi", lpr_events.events_cgi)
    router.add_route("*", PREFIX + "search.cgi", lpr_events.search_cgi)
    router.add_route("*", PREFIX + "tools.cgi", lpr_events.tools_cgi)
    router.add_route("*", PREFIX + "{name}.cgi", lpr_lists.list_file_cgi)
