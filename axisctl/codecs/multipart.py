"""``multipart/form-data`` bodies as plain bytes, for any client or server to send.

One encoder for every form axisctl writes: siren-and-light profile uploads, the LPR app's
CSV upload, and the simulated camera's push events. requests-toolbelt writes the parts
(correct quoting, a boundary that cannot occur in the content); the bytes then travel in
whatever request the caller makes, sync or async.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FormPart:
    """One part: a text field (no ``filename``) or a file, with its own content type."""

    name: str
    content: bytes | str = field(repr=False)
    filename: str | None = None
    content_type: str | None = None


def encode_form(parts: Sequence[FormPart]) -> tuple[bytes, str]:
    """The body and its ``Content-Type`` header (with the boundary)."""
    # Imported here: it pulls in requests, which `import axisctl` does without (about a
    # sixth of the package's import time).
    from requests_toolbelt import MultipartEncoder  # type: ignore[import-untyped]

    encoder = MultipartEncoder(
        fields=[(part.name, (part.filename, part.content, part.content_type)) for part in parts]
    )
    body: bytes = encoder.to_string()
    content_type: str = encoder.content_type
    return body, content_type
