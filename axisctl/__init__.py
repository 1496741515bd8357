"""axisctl: typed client, simulator, CLI and HIL harness for Axis network devices."""

from axisctl.apis.apidiscovery import ApiEntry, ApiStatus
from axisctl.apis.basicdeviceinfo import DeviceInfo
from axisctl.apis.params import Brand, ParameterGroupError, Properties
from axisctl.apis.pwdgrp import Role, User
from axisctl.apis.systemready import SystemReady
from axisctl.device import AsyncDevice, Device
from axisctl.errors import (
    AuthenticationError,
    AxisError,
    CertificatePinMismatchError,
    ConfigurationError,
    ConnectionLostError,
    DeviceError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ForbiddenError,
    HTTPStatusError,
    MalformedResponseError,
    ParseError,
    TLSError,
    TransportError,
    UnsupportedAPIError,
)
from axisctl.transport import ClientOptions, Credentials, TLSConfig

__version__ = "0.1.0"

__all__ = [
    "ApiEntry",
    "ApiStatus",
    "AsyncDevice",
    "AuthenticationError",
    "AxisError",
    "Brand",
    "CertificatePinMismatchError",
    "ClientOptions",
    "ConfigurationError",
    "ConnectionLostError",
    "Credentials",
    "Device",
    "DeviceError",
    "DeviceInfo",
    "DeviceTimeoutError",
    "DeviceUnreachableError",
    "ForbiddenError",
    "HTTPStatusError",
    "MalformedResponseError",
    "ParameterGroupError",
    "ParseError",
    "Properties",
    "Role",
    "SystemReady",
    "TLSConfig",
    "TLSError",
    "TransportError",
    "UnsupportedAPIError",
    "User",
    "__version__",
]
