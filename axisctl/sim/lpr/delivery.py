"""Sending one rendered push event to one server: HTTP POST or a TCP connection.

Runs on a push worker thread, never under the device lock. Every failure is a
:class:`DeliveryError` whose message names what went wrong without the URL or credentials.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import httpx

from axisctl.sim.lpr import payload
from axisctl.sim.lpr.reads import CameraInfo, PlateRead
from axisctl.sim.lpr.state import HTTP_AUTH_DIGEST, PROTOCOL_HTTP, PROTOCOL_TCP, PushProfile

#: Seconds to connect, and then to send and be answered: a push must not hold up the next.
TIMEOUT_S = 5.0


class DeliveryError(Exception):
    """The server did not take the event: unreachable, timed out, or not a 2xx answer."""


def http_url(text: str) -> str:
    """The URL an HTTP profile posts to: ``127.0.0.1:8080`` (the manual's form) gets ``http://``
    and ``/``."""
    text = text.strip()
    if not text:
        raise DeliveryError("the profile has no server URL")
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise DeliveryError("the server URL is not valid") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError("the server URL must be http(s)://host[:port][/path]")
    return parts._replace(path=parts.path or "/").geturl()


def tcp_address(text: str) -> tuple[str, int]:
    """``host:port`` (or ``tcp://host:port``) of a TCP profile."""
    text = text.strip()
    if "://" not in text:
        text = "tcp://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise DeliveryError("the server address is not valid host:port") from None
    if not parts.hostname or port is None:
        raise DeliveryError("a TCP server address needs a host and a port: host:port")
    return parts.hostname, port


def new_http_client() -> httpx.Client:
    """The client of one push worker: no proxies from the environment, no kept connections
    (a receiver that restarts must not meet a stale one)."""
    return httpx.Client(
        timeout=TIMEOUT_S,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def send(read: PlateRead, profile: PushProfile, camera: CameraInfo, client: httpx.Client) -> None:
    """Deliver ``read`` as ``profile`` says; raise :class:`DeliveryError` on failure."""
    if profile.protocol == PROTOCOL_HTTP:
        _post(read, profile, camera, client)
    elif profile.protocol == PROTOCOL_TCP:
        _write(read, profile, camera)
    else:
        raise DeliveryError(f"protocol {profile.protocol} is not supported by the simulator")


def _post(read: PlateRead, profile: PushProfile, camera: CameraInfo, client: httpx.Client) -> None:
    url = http_url(profile.url)
    body = payload.http_body(read, profile, camera)
    headers = {"Content-Type": body.content_type}
    if profile.x_auth_key:
        headers["X-Auth-Key"] = profile.x_auth_key
    # The base class sends the request as it is: no credentials.
    auth = httpx.Auth()
    if profile.user:
        if profile.http_auth_type == HTTP_AUTH_DIGEST:
            auth = httpx.DigestAuth(profile.user, profile.password)
        else:
            auth = httpx.BasicAuth(profile.user, profile.password)
    try:
        response = client.post(url, content=body.content, headers=headers, auth=auth)
    except httpx.TimeoutException:
        raise DeliveryError("the server did not answer in time") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"cannot reach the server ({type(exc).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the server answered HTTP {response.status_code}")


def _write(read: PlateRead, profile: PushProfile, camera: CameraInfo) -> None:
    host, port = tcp_address(profile.url)
    message = payload.tcp_message(read, profile, camera)
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_S) as connection:
            connection.sendall(message)
            connection.shutdown(socket.SHUT_WR)
    except TimeoutError:
        raise DeliveryError("the server did not accept the event in time") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DeliveryError(f"cannot reach the server ({reason})") from None
