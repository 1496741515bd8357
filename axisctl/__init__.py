"""axisctl: typed client, simulator, CLI and HIL harness for Axis network devices."""

from axisctl.apis.apidiscovery import ApiEntry, ApiStatus
from axisctl.apis.basicdeviceinfo import DeviceInfo
from axisctl.apis.io import (
    CircuitState,
    Direction,
    Port,
    PortChange,
    module_input_port,
    relay_port,
)
from axisctl.apis.params import Brand, ParameterGroupError, Properties
from axisctl.apis.pwdgrp import Role, User
from axisctl.apis.sirenlight import (
    Capabilities,
    Duration,
    LightSettings,
    Profile,
    SirenSettings,
    Status,
    UploadMode,
)
from axisctl.apis.systemready import SystemReady
from axisctl.apis.virtualinput import VirtualInputError
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
    "Capabilities",
    "CertificatePinMismatchError",
    "CircuitState",
    "ClientOptions",
    "ConfigurationError",
    "ConnectionLostError",
    "Credentials",
    "Device",
    "DeviceError",
    "DeviceInfo",
    "DeviceTimeoutError",
    "DeviceUnreachableError",
    "Direction",
    "Duration",
    "ForbiddenError",
    "HTTPStatusError",
    "LightSettings",
    "MalformedResponseError",
    "ParameterGroupError",
    "ParseError",
    "Port",
    "PortChange",
    "Profile",
    "Properties",
    "Role",
    "SirenSettings",
    "Status",
    "SystemReady",
    "TLSConfig",
    "TLSError",
    "TransportError",
    "UnsupportedAPIError",
    "UploadMode",
    "User",
    "VirtualInputError",
    "__version__",
    "module_input_port",
    "relay_port",
]
