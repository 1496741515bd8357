"""``device.lpr``: the License Plate Verifier app's configuration, one flow per call.

Every call is written once and runs on both :class:`~axisctl.device.Device` (returns the
result) and :class:`~axisctl.device.AsyncDevice` (returns a coroutine). Values are checked
before anything is sent (:class:`~axisctl.apis.lpr.errors.InvalidLprSettingError` names the
value and what is allowed); the app's own refusals raise
:class:`~axisctl.apis.lpr.errors.LprAppError` subclasses carrying its reason.
"""

from __future__ import annotations

from axisctl.apis.lpr.api_config import ConfigCalls
from axisctl.apis.lpr.api_events import EventCalls
from axisctl.apis.lpr.api_lists import UPLOAD_CHUNK_BYTES, CsvImport, ListCalls
from axisctl.transport.flow import ModeT

__all__ = ["UPLOAD_CHUNK_BYTES", "CsvImport", "LprAppAPI"]


class LprAppAPI(ListCalls[ModeT], ConfigCalls[ModeT], EventCalls[ModeT]):
    """The app's lists, push profiles, detection and barrier settings, and event log.

    Lists: :meth:`lists`, :meth:`set_list`, :meth:`plates`, :meth:`add_plate`,
    :meth:`remove_plate`, :meth:`add_plates`, :meth:`export_plates`, :meth:`import_csv`,
    :meth:`export_csv`. Pushes: :meth:`push_config`, :meth:`set_push_config`. Settings:
    :meth:`settings`, :meth:`set_settings`. Events: :meth:`search_events`,
    :meth:`event_statistics`, :meth:`image`, :meth:`clear_events`.
    """
