"""Requests to ``/local/fflprapp/`` and what their answers mean, for the client's flows.

The app answers ``200`` with the data (or ``OK``), ``400`` with a one-line plain-text reason
when it refuses a request, and ``404`` with a reason when a plate or image is not there. A
device without the app answers its web server's own 404 page: that is
:class:`~axisctl.errors.UnsupportedAPIError`, not a missing plate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from axisctl.apis.lpr.errors import API_NAME, LprNotFoundError, LprRequestRefusedError
from axisctl.errors import MalformedResponseError, ParseError, UnsupportedAPIError
from axisctl.transport.flow import HttpRequest, HttpResponse

PREFIX = "/local/fflprapp/"
#: Longest reason kept from an error answer; the app's are one line.
MAX_REASON_CHARS = 4000
#: Bodies web servers answer for paths they do not have (Apache, aiohttp).
_GENERIC_NOT_FOUND = ("404: Not Found", "Not Found", "404 Not Found")

T = TypeVar("T")


def request(
    method: str,
    cgi: str,
    *,
    params: Mapping[str, str] | None = None,
    content: bytes | None = None,
    content_type: str | None = None,
    idempotent: bool = True,
) -> HttpRequest:
    """A request to ``/local/fflprapp/<cgi>``; 400 and 404 come back to the flow."""
    return HttpRequest(
        method,
        PREFIX + cgi,
        api=API_NAME,
        params=params,
        content=content,
        headers={"Content-Type": content_type} if content_type else {},
        idempotent=idempotent,
        accept_status=frozenset({400, 404}),
    )


def _reason(response: HttpResponse) -> str:
    reason = response.text().strip()[:MAX_REASON_CHARS]
    return reason or f"HTTP {response.status} without a reason"


def _is_app_answer(response: HttpResponse) -> bool:
    body = response.text().strip()
    return (
        response.content_type == "text/plain"
        and bool(body)
        and body not in _GENERIC_NOT_FOUND
        and not body.startswith("<")
    )


def checked(response: HttpResponse, method: str, *, may_be_missing: bool = False) -> HttpResponse:
    """The response if it is a success, else the typed error it stands for.

    ``may_be_missing``: a 404 from the app itself is :class:`LprNotFoundError` (a plate not on
    the list, an image not stored) instead of "the device lacks the app".
    """
    if response.status == 400:
        raise LprRequestRefusedError(_reason(response), status=400, method=method)
    if response.status == 404:
        if may_be_missing and _is_app_answer(response):
            raise LprNotFoundError(_reason(response), status=404, method=method)
        raise UnsupportedAPIError(
            f"{PREFIX}{method.split('?')[0]} not found: the device has no License Plate "
            "Verifier app (fflprapp)",
            api=API_NAME,
        )
    return response


def parsed(method: str, parser: Callable[[], T]) -> T:
    """``parser()``, with a ParseError turned into MalformedResponseError naming ``method``."""
    try:
        return parser()
    except ParseError as exc:
        raise MalformedResponseError(f"{method}: {exc.message}", api=API_NAME) from None
