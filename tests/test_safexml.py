"""Untrusted XML: entity attacks refused without expansion or fetching; errors are ParseError."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axisctl.codecs import safexml
from axisctl.codecs.safexml import parse_xml
from axisctl.errors import ParseError

NS = "urn:example:ns"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""

# A comment holding "<x" ends the prolog scan early, so these reach the XML parser itself:
# they prove the parser flags and the check on the parsed tree, not just the quick scan.
HIDE_FROM_SCAN = b"<!-- <x> -->\n"


def hidden(document: bytes) -> bytes:
    """``document`` with its XML declaration dropped and the scan-defeating comment put first."""
    body = document.split(b"?>", 1)[1] if document.startswith(b"<?xml") else document
    return HIDE_FROM_SCAN + body.lstrip()


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'<!ENTITY % leak "leaked"><!ENTITY stolen "FETCHED">'
        self.send_response(200)
        self.send_header("Content-Type", "application/xml-dtd")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def dtd_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that serves a DTD and records every request it gets."""
    hits: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_parses_a_namespaced_document_and_finds_children() -> None:
    root = parse_xml(
        f'<?xml version="1.0" encoding="utf-8"?>\n<r xmlns="{NS}"><a><b> 42 </b></a>'
        "<c/><c/></r>".encode(),
        what="test document",
    )
    assert safexml.local_name(root) == "r"
    assert safexml.namespace_of(root) == NS
    assert safexml.text_of(safexml.require_path(root, NS, ("a", "b"), what="t"), what="t") == "42"
    assert len(list(safexml.children(root, NS, "c"))) == 2
    assert safexml.child(root, NS, "missing") is None
    # The same local name without the namespace is another element.
    assert safexml.child(root, None, "a") is None


def test_unqualified_names_are_found_with_no_namespace() -> None:
    root = parse_xml(b"<r><a>x</a></r>", what="t")
    assert safexml.namespace_of(root) is None
    assert safexml.text_of(safexml.require_child(root, None, "a", what="t"), what="t") == "x"


def test_missing_child_error_names_parent_child_and_document() -> None:
    root = parse_xml(f'<r xmlns="{NS}"><a/></r>'.encode(), what="frobnicate answer")
    with pytest.raises(ParseError) as caught:
        safexml.require_path(root, NS, ("a", "b"), what="frobnicate answer")
    assert str(caught.value) == "frobnicate answer: <a> has no <b>"


def test_text_where_elements_are_is_refused() -> None:
    root = parse_xml(b"<r><a><b/></a></r>", what="t")
    with pytest.raises(ParseError, match="holds elements"):
        safexml.text_of(safexml.require_child(root, None, "a", what="t"), what="t")


def test_comments_and_processing_instructions_are_dropped() -> None:
    root = parse_xml(b"<r><!-- note --><?pi x?><a/></r>", what="t")
    assert [safexml.local_name(e) for e in root] == ["a"]


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_xml(BILLION_LAUGHS, what="events answer")
    assert time.monotonic() - started < 1.0


def test_billion_laughs_past_the_quick_scan_is_not_expanded() -> None:
    started = time.monotonic()
    # Refused either by the DOCTYPE check or by libxml2's own amplification limit; either
    # way before anything is expanded.
    with pytest.raises(ParseError) as caught:
        parse_xml(hidden(BILLION_LAUGHS), what="events answer")
    assert time.monotonic() - started < 1.0
    assert "lollol" not in str(caught.value)


def test_utf16_document_with_doctype_is_refused() -> None:
    document = '<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'.encode("utf-16")
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_xml(document, what="t")


@pytest.mark.parametrize("hide", [False, True], ids=["plain", "past-scan"])
def test_external_file_entity_is_not_expanded(tmp_path: Path, hide: bool) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    document = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "{secret.as_uri()}">]><r>&e;</r>'
    ).encode()
    with pytest.raises(ParseError, match="DOCTYPE") as caught:
        parse_xml(hidden(document) if hide else document, what="t")
    assert "TOP-SECRET" not in str(caught.value)


@pytest.mark.parametrize(
    "template",
    [
        '<!DOCTYPE r SYSTEM "{url}/external.dtd"><r>&stolen;</r>',
        '<!DOCTYPE r [<!ENTITY e SYSTEM "{url}/entity">]><r>&e;</r>',
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}/param.dtd"> %p;]><r/>',
        '<!DOCTYPE r PUBLIC "-//EXAMPLE//DTD X//EN" "{url}/public.dtd"><r/>',
    ],
    ids=["external-dtd", "external-entity", "parameter-entity", "public-dtd"],
)
@pytest.mark.parametrize("hide", [False, True], ids=["plain", "past-scan"])
def test_external_resources_are_never_fetched(
    dtd_server: tuple[str, list[str]], template: str, hide: bool
) -> None:
    url, hits = dtd_server
    document = template.format(url=url).encode()
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_xml(hidden(document) if hide else document, what="t")
    # libxml2 would fetch synchronously while parsing, so the server has seen it by now.
    # (libxml2 builds without HTTP support cannot fetch at all; builds with it are what
    # this guards against.)
    assert hits == []


def test_doctype_text_inside_cdata_is_content_not_a_declaration() -> None:
    root = parse_xml(b"<r><![CDATA[<!DOCTYPE x>]]></r>", what="t")
    assert root.text == "<!DOCTYPE x>"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (b"<r>", "not well-formed"),
        (b"<r></s>", "mismatch"),
        (b"<r/>trailing", "Extra content"),
        (b"<html><body>Error</body>", "not well-formed"),
        (b"HTTP/1.1 500 oops", "not well-formed"),
        (b'<?xml version="1.0" encoding="no-such-codec"?><r/>', "encoding"),
        (b"<r>\xff\xfe</r>", "not well-formed"),
        (b"<r>&undefined;</r>", "not well-formed"),
    ],
)
def test_malformed_input_raises_parse_error_naming_the_document(data: bytes, needle: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_xml(data, what="siren answer")
    message = str(caught.value)
    assert message.startswith("siren answer: ")
    assert needle.lower() in message.lower()


def test_text_instead_of_bytes_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_xml("<r/>", what="t")  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_give_an_element_or_parse_error(data: bytes) -> None:
    try:
        root = parse_xml(data, what="fuzz")
    except ParseError:
        return
    assert isinstance(root.tag, str)


_FRAGMENTS = [
    b'<?xml version="1.0" encoding="utf-8"?>',
    b'<?xml version="1.0" encoding="utf-16"?>',
    b"<!DOCTYPE r [",
    b'<!ENTITY e "x">',
    b"]>",
    b"<r>",
    b"</r>",
    b"<a:b xmlns:a='urn:x'>",
    b"</a:b>",
    b"&e;",
    b"&#0;",
    b"&#x10FFFF;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi",
    b"?>",
    b"text",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map(b"".join))
def test_xml_like_bytes_give_an_element_or_parse_error(data: bytes) -> None:
    try:
        root = parse_xml(data, what="fuzz")
    except ParseError:
        return
    assert root.getroottree().docinfo.internalDTD is None
