"""Parse untrusted XML from devices, and look things up in it by namespace.

Every XML body a device (or anything pretending to be one) sends goes through
:func:`parse_xml`. Device answers never need a document type declaration, so any document
that has one is refused: that closes entity expansion ("billion laughs"), external entities
(local files, URLs fetched on the client's behalf) and external DTDs in one rule, instead of
trusting each parser flag to cover each attack. The flags are set anyway, as a second wall:
entities are never substituted, nothing is loaded from the network, no DTD is loaded, and
lxml's limits on depth and text size stay on.

The lookup helpers take a namespace (``None`` for unqualified names) and raise
:class:`~axisctl.errors.ParseError` naming the path that was missing, so that an API module
can turn any surprise into one ``MalformedResponseError``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence

from lxml import etree

from axisctl.errors import ParseError

__all__ = [
    "Element",
    "child",
    "children",
    "local_name",
    "namespace_of",
    "parse_xml",
    "qname",
    "require_child",
    "require_path",
    "text_of",
]

Element = etree._Element

# A DOCTYPE may only stand in the prolog, before the first start tag. Looking there only
# keeps a "<!DOCTYPE" inside a CDATA section of the content from being refused; anything
# this cheap scan misses (a DOCTYPE after a comment holding "<x", UTF-16 text) is still
# caught by the check on the parsed tree.
_FIRST_START_TAG = re.compile(rb"<[A-Za-z_:]")
_DOCTYPE = b"<!DOCTYPE"

_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml serialises the use of one parser object with a lock; one per thread keeps the
    # sync client, the async client and the simulator from waiting on each other.
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            recover=False,
        )
        _local.parser = parser
    return parser


def parse_xml(data: bytes, *, what: str) -> Element:
    """The root element of ``data``, or :class:`ParseError` saying what was wrong.

    ``what`` names the document in messages, e.g. ``"virtualinput/activate.cgi answer"``.
    Documents with a DOCTYPE are refused whatever it declares.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"parse_xml takes bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise ParseError(f"{what}: empty document, expected XML")
    first_tag = _FIRST_START_TAG.search(data)
    prolog = data[: first_tag.start()] if first_tag else data
    if _DOCTYPE in prolog:
        raise _doctype_refused(what)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{what}: not well-formed XML: {_syntax_message(exc)}") from None
    except (etree.LxmlError, ValueError, LookupError) as exc:
        # Unsupported encodings and other refusals that are not syntax errors.
        raise ParseError(f"{what}: cannot parse XML: {exc}") from None
    docinfo = root.getroottree().docinfo
    # lxml-stubs lacks DocInfo.doctype; it is "" unless the document had a DOCTYPE.
    doctype: str = getattr(docinfo, "doctype", "")
    if doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _doctype_refused(what)
    return root


def _doctype_refused(what: str) -> ParseError:
    return ParseError(
        f"{what}: refused a document with a DOCTYPE (DTDs and entity declarations are not "
        "accepted from devices)"
    )


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    # libxml2's message already ends in "line L, column C"; lxml's "(<string>, line L)"
    # suffix of str(exc) would only repeat it.
    return (exc.msg or str(exc)).strip()


def qname(namespace: str | None, local: str) -> str:
    """Clark notation, ``{namespace}local``, as lxml writes tags."""
    return f"{{{namespace}}}{local}" if namespace else local


def local_name(element: Element) -> str:
    """The tag without its namespace (``""`` for comments and the like)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace_of(element: Element) -> str | None:
    """The namespace of the element's tag, ``None`` when unqualified."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    return tag[1:].partition("}")[0]


def children(parent: Element, namespace: str | None, local: str) -> Iterator[Element]:
    """Direct children named ``local`` in ``namespace``, in document order."""
    return parent.iterchildren(qname(namespace, local))


def child(parent: Element, namespace: str | None, local: str) -> Element | None:
    """The first direct child named ``local`` in ``namespace``, or ``None``."""
    return next(children(parent, namespace, local), None)


def require_child(parent: Element, namespace: str | None, local: str, *, what: str) -> Element:
    """The first direct child named ``local``, or :class:`ParseError` naming it."""
    found = child(parent, namespace, local)
    if found is None:
        raise ParseError(f"{what}: <{local_name(parent)}> has no <{local}>")
    return found


def require_path(
    parent: Element, namespace: str | None, path: Sequence[str], *, what: str
) -> Element:
    """Follow ``path`` (local names, one per level) down from ``parent``."""
    element = parent
    for local in path:
        element = require_child(element, namespace, local, what=what)
    return element


def text_of(element: Element, *, what: str) -> str:
    """The element's own text with surrounding whitespace removed (``""`` when empty).

    Devices indent values (``<StateChanged> true </StateChanged>``), so text is compared
    stripped. Child elements inside ``element`` make the text ambiguous and are refused.
    """
    if len(element):
        raise ParseError(f"{what}: <{local_name(element)}> holds elements, expected text")
    return (element.text or "").strip()
