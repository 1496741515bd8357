"""Push-event profiles: ``cloud.cgi`` (profile 1), ``cloud2.cgi`` and ``cloud3.cgi``.

Each profile sends the app's events to one server over HTTP POST or TCP (FTP carries only
images). The document is flat XML; the URL, user and password travel base64-encoded::

    <cloud_config><url>aHR0cDovLzEwLjAuNS4yMjM6NTAwMg==</url><protocol>1</protocol>
      <enable>1</enable><event_new>1</event_new>...<password/>...</cloud_config>

A GET never reveals the password or the ``X-Auth-Key`` value: both come back empty. So
:class:`PushConfig` holds ``None`` for "leave as it is", and a POST sends those elements only
when you set them (``""`` clears them).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from axisctl.apis.lpr import fields as f
from axisctl.apis.lpr.errors import InvalidLprSettingError

PUSH_PROFILES = (1, 2, 3)
ROOT = "cloud_config"
MAX_URL_CHARS = 512
MAX_USER_CHARS = 64
MAX_SECRET_CHARS = 128
MAX_AUTH_KEY_CHARS = 512


class PushProtocol(enum.Enum):
    """How a profile delivers events; the numbers are the app's ``protocol`` values."""

    HTTP = 1
    TCP = 8
    FTP = 16


class HttpAuthType(enum.Enum):
    """How an HTTP profile sends its user and password."""

    BASIC = 0
    DIGEST = 1


def cgi_for(profile: int) -> str:
    """``cloud.cgi`` for profile 1, ``cloud2.cgi`` and ``cloud3.cgi`` for the others."""
    if isinstance(profile, bool) or profile not in PUSH_PROFILES:
        raise InvalidLprSettingError(
            f"push profile {profile!r:.20} is not 1, 2 or 3",
            field="profile",
            value=profile,
            allowed=PUSH_PROFILES,
        )
    return "cloud.cgi" if profile == 1 else f"cloud{profile}.cgi"


FIELDS: dict[str, f.Field] = {
    field.name: field
    for field in (
        f.base64_text("url", MAX_URL_CHARS),
        f.coordinate("latitude", 90),
        f.coordinate("longitude", 180),
        f.text("sensorProviderID", 64),
        f.int_choice("protocol", {p.value: p.name for p in PushProtocol}),
        f.boolean("enable"),
        f.boolean("skip_image_in_post"),
        f.boolean("event_new"),
        f.boolean("event_update"),
        f.boolean("event_lost"),
        f.boolean("use_multipart"),
        f.boolean("use_event_buffer"),
        f.base64_text("user", MAX_USER_CHARS),
        f.base64_text("password", MAX_SECRET_CHARS),
        f.int_choice("http_auth_type", {a.value: a.name.capitalize() for a in HttpAuthType}),
        f.boolean("send_second_image"),
        f.integer("second_image_type", 0, 9),
        f.text("path_template", 255),
        f.text("x_auth_key", MAX_AUTH_KEY_CHARS),
    )
}
#: The settings a GET answers empty whatever they hold.
SECRETS = frozenset({"password", "x_auth_key"})

_HOST_PORT = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:(?P<port>[0-9]{1,5}))?")


@dataclass(frozen=True)
class PushConfig:
    """One push profile. ``repr()`` never shows the password or the auth key.

    ``url`` is the receiver: ``127.0.0.1:8080`` (the manual's form; HTTP then means
    ``http://127.0.0.1:8080/``), ``http://host:port/path`` or ``https://...`` for HTTP,
    ``host:port`` for TCP. ``send_images=False`` is the app's "do not send images"
    (``skip_image_in_post``). ``password`` and ``auth_key`` (the ``X-Auth-Key`` header)
    are ``None`` when read from the device: sending the config back leaves them unchanged.
    """

    url: str = ""
    protocol: PushProtocol = PushProtocol.HTTP
    enabled: bool = False
    event_new: bool = True
    event_update: bool = True
    event_lost: bool = True
    send_images: bool = True
    use_multipart: bool = True
    use_event_buffer: bool = True
    user: str = ""
    password: str | None = field(default=None, repr=False)
    http_auth: HttpAuthType = HttpAuthType.BASIC
    auth_key: str | None = field(default=None, repr=False)
    latitude: float | None = None
    longitude: float | None = None
    sensor_provider_id: str = "defaultID"
    send_second_image: bool = False
    second_image_type: int = 0
    path_template: str = ""

    def to_wire(self) -> dict[str, Any]:
        """Wire names to values; the secrets only when set (``None`` leaves them out)."""
        values: dict[str, Any] = {
            "url": self.url,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "sensorProviderID": self.sensor_provider_id,
            "protocol": self.protocol.value,
            "enable": self.enabled,
            "skip_image_in_post": not self.send_images,
            "event_new": self.event_new,
            "event_update": self.event_update,
            "event_lost": self.event_lost,
            "use_multipart": self.use_multipart,
            "use_event_buffer": self.use_event_buffer,
            "user": self.user,
            "password": self.password,
            "http_auth_type": self.http_auth.value,
            "send_second_image": self.send_second_image,
            "second_image_type": self.second_image_type,
            "path_template": self.path_template,
            "x_auth_key": self.auth_key,
        }
        # None is "no position" for the coordinates, "leave unchanged" for the secrets.
        return {
            name: value
            for name, value in values.items()
            if value is not None or name in ("latitude", "longitude")
        }

    @classmethod
    def from_wire(cls, values: dict[str, Any]) -> PushConfig:
        """A config from decoded settings; missing ones keep their defaults."""
        default = cls()
        return cls(
            url=values.get("url", default.url),
            protocol=PushProtocol(values.get("protocol", default.protocol.value)),
            enabled=values.get("enable", default.enabled),
            event_new=values.get("event_new", default.event_new),
            event_update=values.get("event_update", default.event_update),
            event_lost=values.get("event_lost", default.event_lost),
            send_images=not values.get("skip_image_in_post", not default.send_images),
            use_multipart=values.get("use_multipart", default.use_multipart),
            use_event_buffer=values.get("use_event_buffer", default.use_event_buffer),
            user=values.get("user", default.user),
            http_auth=HttpAuthType(values.get("http_auth_type", default.http_auth.value)),
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            sensor_provider_id=values.get("sensorProviderID", default.sensor_provider_id),
            send_second_image=values.get("send_second_image", default.send_second_image),
            second_image_type=values.get("second_image_type", default.second_image_type),
            path_template=values.get("path_template", default.path_template),
        )

    def validate(self) -> None:
        """:class:`InvalidLprSettingError` for anything the app would refuse, nothing sent."""
        if not isinstance(self.protocol, PushProtocol):
            raise InvalidLprSettingError(
                f"protocol {self.protocol!r:.30} is not a PushProtocol",
                field="protocol",
                value=self.protocol,
                allowed=[p.name.lower() for p in PushProtocol],
            )
        if not isinstance(self.http_auth, HttpAuthType):
            raise InvalidLprSettingError(
                f"http_auth {self.http_auth!r:.30} is not an HttpAuthType",
                field="http_auth",
                value=self.http_auth,
                allowed=[a.name.lower() for a in HttpAuthType],
            )
        for name, value in self.to_wire().items():
            FIELDS[name].check(value, field=name, secret=name in SECRETS)
        problem = push_url_problem(self.url, self.protocol)
        if problem is not None:
            raise InvalidLprSettingError(problem, field="url", value=self.url)
        if self.enabled and not self.url:
            raise InvalidLprSettingError(
                "an enabled push profile needs a url", field="url", value=self.url
            )


def push_url_problem(url: str, protocol: PushProtocol) -> str | None:
    """Why ``url`` is not a receiver address for ``protocol`` (``None``: it is, or empty)."""
    if not url:
        return None
    if protocol is PushProtocol.FTP:
        if url.startswith("ftp://") and len(url) > len("ftp://"):
            return None
        return f"url {url!r:.80} is not an ftp:// URL"
    if protocol is PushProtocol.TCP:
        match = _HOST_PORT.fullmatch(url.removeprefix("tcp://"))
        if match is None or match["port"] is None or not 1 <= int(match["port"]) <= 65535:
            return f"url {url!r:.80} is not host:port (TCP receivers need a port)"
        return None
    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = url
    elif scheme.lower() not in ("http", "https"):
        return f"url {url!r:.80} is not http:// or https:// (or host:port)"
    authority = rest.split("/", 1)[0]
    match = _HOST_PORT.fullmatch(authority)
    if match is None or (match["port"] is not None and not 1 <= int(match["port"]) <= 65535):
        return f"url {url!r:.80} has no valid host[:port]"
    if any(char.isspace() for char in url):
        return f"url {url!r:.80} contains spaces"
    return None
