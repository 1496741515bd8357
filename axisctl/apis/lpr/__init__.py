"""The License Plate Verifier app's configuration endpoints under ``/local/fflprapp/``.

>>> with Device("http://192.168.0.90", "root", "secret") as cam:        # doctest: +SKIP
...     cam.lpr.add_plate("allow", "ABC123", description="Delivery van")
...     cam.lpr.import_csv("allow", Path("vehicles.csv").read_bytes())
...     cam.lpr.set_push_config(PushConfig("192.168.0.10:8080", enabled=True))
...     cam.lpr.set_settings(access_control="io", barrier_mode="open_from_lists")
...     for event in cam.lpr.search_events(since=timedelta(hours=1)).events:
...         print(event.plate, event.direction.value, event.list_name)

Receiving the app's pushes: :mod:`axisctl.lpr`. Guide: docs/lpr-app.md.
"""

from axisctl.apis.lpr.api import CsvImport, LprAppAPI
from axisctl.apis.lpr.errors import (
    API_NAME,
    InvalidLprSettingError,
    LprAppError,
    LprNotFoundError,
    LprRequestRefusedError,
)
from axisctl.apis.lpr.events import (
    Direction,
    EventLogEntry,
    EventSearchResult,
    EventStatistics,
)
from axisctl.apis.lpr.models import (
    MAX_LIST_ENTRIES,
    WEEKDAYS,
    WORKDAYS,
    ListKey,
    ListMode,
    PlateEntry,
    PlateList,
    Schedule,
)
from axisctl.apis.lpr.plate_csv import (
    PlateCsvError,
    PlateCsvLineError,
    format_plate_csv,
    parse_plate_csv,
    read_plate_csv,
)
from axisctl.apis.lpr.push import HttpAuthType, PushConfig, PushProtocol
from axisctl.apis.lpr.settings import (
    AccessControlType,
    BarrierDirection,
    BarrierMode,
    LprSettings,
)

__all__ = [
    "API_NAME",
    "MAX_LIST_ENTRIES",
    "WEEKDAYS",
    "WORKDAYS",
    "AccessControlType",
    "BarrierDirection",
    "BarrierMode",
    "CsvImport",
    "Direction",
    "EventLogEntry",
    "EventSearchResult",
    "EventStatistics",
    "HttpAuthType",
    "InvalidLprSettingError",
    "ListKey",
    "ListMode",
    "LprAppAPI",
    "LprAppError",
    "LprNotFoundError",
    "LprRequestRefusedError",
    "LprSettings",
    "PlateCsvError",
    "PlateCsvLineError",
    "PlateEntry",
    "PlateList",
    "PushConfig",
    "PushProtocol",
    "Schedule",
    "format_plate_csv",
    "parse_plate_csv",
    "read_plate_csv",
]
