"""Exit codes and one-line messages for expected errors."""

from __future__ import annotations

from axisctl.errors import (
    AuthenticationError,
    AxisError,
    ConfigurationError,
    DeviceError,
    ForbiddenError,
    MalformedResponseError,
    TransportError,
    UnsupportedAPIError,
)

#: (exception type, exit code, short label); the first match wins.
EXIT_CODES: tuple[tuple[type[BaseException], int, str], ...] = (
    (TransportError, 3, "unreachable"),
    (AuthenticationError, 4, "authentication failed"),
    (ForbiddenError, 5, "forbidden"),
    (DeviceError, 6, "device error"),
    (UnsupportedAPIError, 7, "not supported"),
    (MalformedResponseError, 8, "malformed response"),
    (ConfigurationError, 9, "invalid input"),
    (ValueError, 9, "invalid input"),
    (AxisError, 10, "error"),
)

EXIT_CODE_HELP = """\b
Exit codes:
  0 success               6 the device reported an error
  2 usage error           7 the device lacks the API
  3 device unreachable    8 malformed answer from the device
  4 authentication failed 9 invalid input
  5 role too low         10 other axisctl error"""


def exit_code_for(error: BaseException) -> tuple[int, str]:
    for kind, code, label in EXIT_CODES:
        if isinstance(error, kind):
            return code, label
    return 1, "internal error"
