"""Sending a rule's HTTP notifications: from a worker thread, never under the device lock.

A device's rule fires under the device lock (bus subscribers run under it), and the device
clock must never wait for the network, so "Send notification through HTTP" only queues the
request; :class:`HttpNotifier` sends queued requests in order from one worker thread, which
ends by itself once the queue is empty (so an idle device holds no thread).

What is logged of a notification names the method, host and path: never the credentials,
and never the query string, which may carry a token.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

log = logging.getLogger(__name__)

#: Seconds to connect, and then to be answered: a stuck recipient must not hold up the next.
TIMEOUT_S = 5.0


def shown_url(url: str) -> str:
    """The part of ``url`` that may be logged: scheme, host, port and path."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port is not None else ""
    return f"{parts.scheme}://{host}{port}{parts.path or '/'}"


@dataclass(frozen=True)
class Notification:
    """One HTTP request to send. ``auth`` is ``"digest"`` or ``"basic"`` when ``user`` is set."""

    method: str
    url: str
    body: bytes = b""
    content_type: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    auth: str = "digest"
    #: The rule that sent it, for the rule log.
    rule: str = ""

    def __repr__(self) -> str:
        return f"<Notification {self.method} {shown_url(self.url)}>"

    @property
    def what(self) -> str:
        return f"notify {self.method} {shown_url(self.url)}"


Outcome = Callable[[Notification, str | None], None]


class HttpNotifier:
    """Sends :class:`Notification` objects in order; ``on_done(notification, error)`` after each
    (``error`` ``None`` for a 2xx answer), called on the worker thread without any lock held."""

    def __init__(self, on_done: Outcome) -> None:
        self._on_done = on_done
        self._queue: deque[Notification] = deque()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._busy = False

    def submit(self, notification: Notification) -> None:
        with self._lock:
            self._queue.append(notification)
            if self._thread is None:
                self._busy = True
                self._thread = threading.Thread(
                    target=self._work, name="axisctl-sim-rule-http", daemon=True
                )
                self._thread.start()

    def pending(self) -> int:
        """Notifications queued or being sent."""
        with self._lock:
            return len(self._queue) + (1 if self._busy else 0)

    def wait_idle(self, timeout: float = 2 * TIMEOUT_S) -> bool:
        """Wait until everything queued was sent (or failed); ``False`` if it took too long."""
        with self._idle:
            return self._idle.wait_for(lambda: self._thread is None, timeout)

    def _work(self) -> None:
        with httpx.Client(
            timeout=TIMEOUT_S,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as client:
            while True:
                with self._lock:
                    if not self._queue:
                        self._thread = None
                        self._busy = False
                        self._idle.notify_all()
                        return
                    notification = self._queue.popleft()
                try:
                    error = send(client, notification)
                except Exception as exc:
                    # A request httpx refuses to build (a URL or header it cannot encode)
                    # fails this notification only: a worker that died here would leave
                    # _thread set, and no later notification would ever be sent.
                    error = f"cannot send the request ({type(exc).__name__})"
                if error is not None:
                    log.warning("rule: %s failed: %s", notification.what, error)
                try:
                    self._on_done(notification, error)
                except Exception:
                    log.exception("rule: recording the outcome of %s failed", notification.what)


def send(client: httpx.Client, notification: Notification) -> str | None:
    """Send one notification; return why it failed, or ``None`` for a 2xx answer."""
    auth: httpx.Auth = httpx.Auth()  # the base class sends the request as it is
    if notification.user:
        if notification.auth == "basic":
            auth = httpx.BasicAuth(notification.user, notification.password)
        else:
            auth = httpx.DigestAuth(notification.user, notification.password)
    headers = {"Content-Type": notification.content_type} if notification.content_type else {}
    try:
        response = client.request(
            notification.method,
            notification.url,
            content=notification.body or None,
            headers=headers,
            auth=auth,
        )
    except httpx.TimeoutException:
        return "the recipient did not answer in time"
    except httpx.HTTPError as exc:
        return f"cannot reach the recipient ({type(exc).__name__})"
    if not 200 <= response.status_code < 300:
        return f"the recipient answered HTTP {response.status_code}"
    return None
