"""Typed errors of the License Plate Verifier app's configuration endpoints.

Two kinds of failure, kept apart on purpose:

- :class:`InvalidLprSettingError` is raised *before* anything is sent, when a value would be
  refused by the app; it is a :class:`~axisctl.errors.ConfigurationError` whose ``field``
  names the setting and whose ``allowed`` lists the accepted values where a list exists.
- :class:`LprAppError` and its subclasses are the app's own refusals. The app's error bodies
  are undocumented; it answers ``400 Bad Request`` or ``404 Not Found`` with a one-line
  plain-text reason, kept in ``reason``.

A CSV file with bad lines raises :class:`~axisctl.apis.lpr.plate_csv.PlateCsvError` (a
:class:`~axisctl.errors.ParseError`) before anything is sent.
"""

from __future__ import annotations

from axisctl.errors import DeviceError, InvalidSettingValueError

#: The app's name on the device (``/local/fflprapp/``), used as ``api`` in every error.
API_NAME = "fflprapp"


class InvalidLprSettingError(InvalidSettingValueError):
    """A value the app would refuse; nothing was sent. ``field`` names it."""

    API = API_NAME


class LprAppError(DeviceError):
    """The app refused a call; ``reason`` is its plain-text answer, ``status`` the HTTP status.

    ``method`` names the endpoint (``"list_mgmt.cgi"``, ``"api.cgi?api=delplate"``).
    """

    def __init__(
        self,
        reason: str,
        *,
        status: int,
        method: str | None = None,
        device: str | None = None,
    ) -> None:
        super().__init__(reason, method=method, device=device, api=API_NAME)
        self.reason = reason
        self.status = status


class LprRequestRefusedError(LprAppError):
    """400: the app refused the request (a bad value, an unknown list); nothing changed."""


class LprNotFoundError(LprAppError):
    """404 from the app itself: no such plate on the list, or no such stored image."""
