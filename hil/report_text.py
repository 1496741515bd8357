"""Escaping for the HTML report: every string from a run (event data, names, logs) goes here.

Event data comes from devices and test code, so it is untrusted: it is escaped for text and
attribute context alike, and characters XML does not allow (NUL, other C0 controls, lone
surrogates from a hand-edited JSON) become U+FFFD, so the inline SVG stays well-formed.
"""

from __future__ import annotations

import html
import re

__all__ = ["attr", "clean", "text"]

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(value: str) -> str:
    """``value`` without characters that XML forbids."""
    return _FORBIDDEN.sub("\ufffd", value)


def text(value: object) -> str:
    """``value`` for an HTML or SVG text node."""
    return html.escape(clean(str(value)), quote=True)


def attr(value: object) -> str:
    """``value`` for a double-quoted attribute (quotes escaped too)."""
    return html.escape(clean(str(value)), quote=True)
