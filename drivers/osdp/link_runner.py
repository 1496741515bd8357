"""What the control panel and the reader emulator share: one thread serving one link.

Both runners start a daemon thread on :meth:`LinkRunner.start`, and :meth:`LinkRunner.stop`
stops it the same way: set the stop flag, wake the link out of a blocking read, join the
thread (never itself, when a callback on that thread stops the runner), then close the link
if the runner opened it. A runner adds what it must do once its thread is gone in
:meth:`LinkRunner._thread_stopped`.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import ClassVar, TypeVar

from axisctl.errors import AxisError

from .link import Link

__all__ = ["LinkRunner"]

_R = TypeVar("_R", bound="LinkRunner")

#: How long :meth:`LinkRunner.stop` waits for the thread to end.
_JOIN_S = 5.0


class LinkRunner:
    """The thread, stop flag and link of a runner; see the module docstring."""

    _THREAD_NAME: ClassVar[str]

    def __init__(self, link: Link) -> None:
        self._link = link
        #: Set by the runner's ``open``: the link is the runner's to close.
        self._owns_link = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        #: What stopped the thread, if the link failed.
        self.error: AxisError | None = None

    def _run(self) -> None:
        raise NotImplementedError

    def _thread_stopped(self) -> None:
        """Called by :meth:`stop` once the thread has ended, before an owned link closes."""

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._THREAD_NAME, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._link.interrupt()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(_JOIN_S)
        self._thread_stopped()
        if self._owns_link:
            self._link.close()

    def __enter__(self: _R) -> _R:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
