"""Event declarations (Event1 ``GetEventInstances``) and websocket session tokens.

The declaration request, parser and models live in :mod:`axisctl.events.declarations`,
next to the event types they describe; this class only runs the request.
"""

from __future__ import annotations

from axisctl.errors import MalformedResponseError
from axisctl.events.declarations import TopicDeclaration, declarations_request, declarations_result
from axisctl.transport.flow import API, Flow, HttpRequest, ModeT, operation


class EventsAPI(API[ModeT]):
    """Events of a device: which topics it declares, and access to its event stream."""

    # --- declarations (Event1 GetEventInstances, POST /vapix/services) ----------------------

    @operation
    def declarations(self) -> Flow[list[TopicDeclaration]]:
        """The topics the device can send, with their source, key and data items.

        Any role may ask. Raises :class:`~axisctl.events.SoapFaultError` when the device
        answers with a SOAP fault.
        """
        response = yield declarations_request()
        return declarations_result(response)

    # --- websocket session tokens (wssession.cgi) --------------------------------------------

    @operation
    def session_token(self) -> Flow[str]:
        """A token that opens one websocket event stream without Digest on the upgrade.

        ``GET /axis-cgi/wssession.cgi`` answers a bare token string, valid for 15 s; it goes
        into the stream URL as ``?wssession=<token>&sources=events``. Viewers and up may ask.
        :mod:`axisctl.events.stream` fetches one for every (re)connection.
        """
        response = yield HttpRequest(
            "GET", "/axis-cgi/wssession.cgi", api="wssession.cgi", idempotent=True
        )
        token = response.text().strip()
        if (
            not token
            or len(token) > 256
            or not all(c.isascii() and (c.isalnum() or c in "-_.~") for c in token)
        ):
            raise MalformedResponseError(
                "wssession.cgi answered no usable token (expected a bare token string)",
                api="wssession.cgi",
            )
        return token
