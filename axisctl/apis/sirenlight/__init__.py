"""Siren and light: ``siren_and_light.cgi`` profiles, activities, maintenance, health check.

>>> with Device("http://192.168.0.90", "root", "secret") as strobe:     # doctest: +SKIP
...     strobe.siren_light.add_profile(
...         Profile("Intruder", light=LightSettings("Alternate", colors=("red", "blue")),
...                 siren=SirenSettings("Alarm: Horror", priority=5)))
...     strobe.siren_light.start("Intruder")
"""

from axisctl.apis.sirenlight.api import PATH, SirenLightAPI, check_profiles
from axisctl.apis.sirenlight.capabilities import (
    Capabilities,
    Choice,
    ColorChoice,
    LightPattern,
    SirenPattern,
)
from axisctl.apis.sirenlight.errors import (
    API_NAME,
    ActivityNotFoundError,
    DuplicateProfileError,
    HealthCheckNotSupportedError,
    InvalidProfileError,
    InvalidProfileRequestError,
    InvalidSettingError,
    MaintenanceNotSupportedError,
    ProfileLimitError,
    ProfileNotFoundError,
    ServiceNotReadyError,
    SirenLightError,
)
from axisctl.apis.sirenlight.files import (
    dumps_profiles,
    loads_profiles,
    profiles_from_json,
    read_profiles,
    write_profiles,
)
from axisctl.apis.sirenlight.models import (
    LIGHT_PATTERNS,
    MAX_PROFILES,
    RESERVED_PRIORITIES,
    SIREN_PATTERNS,
    Duration,
    DurationUnit,
    LightSettings,
    Profile,
    SirenSettings,
    UploadMode,
)
from axisctl.apis.sirenlight.status import (
    HealthCheckIssue,
    HealthCheckResult,
    LightActivity,
    SirenActivity,
    StartedActivity,
    Status,
)

__all__ = [
    "API_NAME",
    "LIGHT_PATTERNS",
    "MAX_PROFILES",
    "PATH",
    "RESERVED_PRIORITIES",
    "SIREN_PATTERNS",
    "ActivityNotFoundError",
    "Capabilities",
    "Choice",
    "ColorChoice",
    "DuplicateProfileError",
    "Duration",
    "DurationUnit",
    "HealthCheckIssue",
    "HealthCheckNotSupportedError",
    "HealthCheckResult",
    "InvalidProfileError",
    "InvalidProfileRequestError",
    "InvalidSettingError",
    "LightActivity",
    "LightPattern",
    "LightSettings",
    "MaintenanceNotSupportedError",
    "Profile",
    "ProfileLimitError",
    "ProfileNotFoundError",
    "ServiceNotReadyError",
    "SirenActivity",
    "SirenLightAPI",
    "SirenLightError",
    "SirenPattern",
    "SirenSettings",
    "StartedActivity",
    "Status",
    "UploadMode",
    "check_profiles",
    "dumps_profiles",
    "loads_profiles",
    "profiles_from_json",
    "read_profiles",
    "write_profiles",
]
