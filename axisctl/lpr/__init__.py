"""AXIS License Plate Verifier: typed plate reads and the receiver for the app's pushes.

:class:`PushReceiver` is an HTTP server (and optionally a TCP listener) that takes the app's
push events and hands them out as :class:`PlateRead` objects; :func:`parse_push` reads one
push document without a server. See docs/lpr-receiver.md.
"""

from axisctl.lpr.auth import AUTH_KEY_HEADER, AuthScheme
from axisctl.lpr.images import image_filename, save_images
from axisctl.lpr.intake import ReceiverClosedError, ReceiverStats, RejectReason
from axisctl.lpr.models import (
    CameraInfo,
    CarState,
    Direction,
    GeoTag,
    ListHit,
    ListMode,
    PlateBox,
    PlateImage,
    PlateRead,
    ReadKey,
    VehicleInfo,
)
from axisctl.lpr.multipart import parse_form_push
from axisctl.lpr.parse import PushFormatError, parse_push
from axisctl.lpr.receiver import DEFAULT_MAX_BODY, OnRead, PushReceiver
from axisctl.lpr.threaded import ThreadedPushReceiver

__all__ = [
    "AUTH_KEY_HEADER",
    "DEFAULT_MAX_BODY",
    "AuthScheme",
    "CameraInfo",
    "CarState",
    "Direction",
    "GeoTag",
    "ListHit",
    "ListMode",
    "OnRead",
    "PlateBox",
    "PlateImage",
    "PlateRead",
    "PushFormatError",
    "PushReceiver",
    "ReadKey",
    "ReceiverClosedError",
    "ReceiverStats",
    "RejectReason",
    "ThreadedPushReceiver",
    "VehicleInfo",
    "image_filename",
    "parse_form_push",
    "parse_push",
    "save_images",
]
