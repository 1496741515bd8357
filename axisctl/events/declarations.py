"""Event declarations: which topics a device can send, from Event1 ``GetEventInstances``.

``POST /vapix/services`` with a SOAP 1.2 envelope; the answer is a tree of topics under
``aev:GetEventInstancesResponse/wstop:TopicSet``. Every node marked ``wstop:topic="true"``
is a topic; its path of element names is the topic in wire form
(``tns1:Device/tnsaxis:IO/VirtualInput``) and its ``aev:MessageInstance`` declares the
source, key and data items with their types and, where the device lists them, their values::

    <tnsaxis:IO aev:NiceName="Input ports">
      <VirtualInput wstop:topic="true" aev:NiceName="Virtual input">
        <aev:MessageInstance aev:isProperty="true">
          <aev:SourceInstance>
            <aev:SimpleItemInstance aev:NiceName="Port number" Type="xsd:int" Name="port">
              <aev:Value>1</aev:Value> ...
          </aev:SourceInstance>
          <aev:DataInstance>
            <aev:SimpleItemInstance aev:NiceName="Active" Type="xsd:boolean" Name="active"
                                    isPropertyState="true"/>
    ...

This module holds the request, the parser and a writer of the answer (the simulator's);
:class:`~axisctl.apis.events.EventsAPI` runs the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from axisctl.codecs import safexml
from axisctl.errors import DeviceError, HTTPStatusError, MalformedResponseError, ParseError
from axisctl.events.metadata import NS_TOPICS_AXIS, NS_TOPICS_ONVIF, TOPIC_PREFIXES
from axisctl.events.models import Event, event_class, mqtt_topic
from axisctl.transport.flow import HttpRequest, HttpResponse

__all__ = [
    "ACTION",
    "CONTENT_TYPE",
    "PATH",
    "REQUEST_BODY",
    "ItemDeclaration",
    "SoapFaultError",
    "TopicDeclaration",
    "declarations_request",
    "declarations_result",
    "declarations_xml",
    "fault_xml",
    "parse_declarations",
]

API_NAME = "event1"
PATH = "/vapix/services"
NS_SOAP = "http://www.w3.org/2003/05/soap-envelope"
#: SOAP 1.1, which some intermediaries answer faults in; read, never written.
NS_SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
NS_EVENT1 = "http://www.axis.com/vapix/ws/event1"
NS_WSTOP = "http://docs.oasis-open.org/wsn/t-1"
NS_XSD = "http://www.w3.org/2001/XMLSchema"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
ACTION = "http://www.axis.com/vapix/ws/event1/GetEventInstances"
CONTENT_TYPE = f'application/soap+xml; action="{ACTION}"; charset=utf-8'

#: The request body of the reference, byte for byte apart from the line breaks.
REQUEST_BODY = (
    f'<s:Envelope xmlns:s="{NS_SOAP}">\n'
    f'  <s:Body xmlns:xsi="{NS_XSI}" xmlns:xsd="{NS_XSD}">\n'
    f'    <GetEventInstances xmlns="{NS_EVENT1}"/>\n'
    "  </s:Body>\n"
    "</s:Envelope>\n"
).encode()

_WHAT = "GetEventInstances answer"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_PREFIX_NAMESPACES = {prefix: namespace for namespace, prefix in TOPIC_PREFIXES.items()}
_TRUE = frozenset({"true", "1"})
_CONTAINERS = (("source", "SourceInstance"), ("key", "KeyInstance"), ("data", "DataInstance"))


class SoapFaultError(DeviceError):
    """The device answered with a SOAP fault.

    ``fault_code`` is the code as sent (``SOAP-ENV:Sender``), ``subcodes`` the nested
    subcodes (``ter:InvalidArgVal`` ...), ``reason`` the fault's text.
    """

    def __init__(
        self,
        reason: str,
        *,
        fault_code: str = "",
        subcodes: tuple[str, ...] = (),
        method: str | None = "GetEventInstances",
        device: str | None = None,
    ) -> None:
        codes = "/".join(code for code in (fault_code, *subcodes) if code)
        message = f"SOAP fault {codes}: {reason}" if codes else f"SOAP fault: {reason}"
        super().__init__(message, method=method, device=device, api=API_NAME)
        self.fault_code = fault_code
        self.subcodes = subcodes
        self.reason = reason


@dataclass(frozen=True)
class ItemDeclaration:
    """One ``SimpleItemInstance``: a source, key or data item of a topic.

    ``type`` is the XML Schema type as sent (``xsd:int``, ``xsd:boolean``,
    ``tt:ReferenceToken``); ``values`` the values the device lists (empty when any value
    may come); ``value_nice_names`` the names some values carry (``-1`` → ``Any``).
    """

    name: str
    type: str | None = None
    nice_name: str | None = None
    is_property_state: bool = False
    values: tuple[str, ...] = ()
    value_nice_names: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class TopicDeclaration:
    """One topic the device declares.

    ``topic`` is the wire form (``tns1:Device/tnsaxis:IO/VirtualInput``), the spelling the
    websocket stream and :class:`~axisctl.events.TopicFilter` use. ``is_property`` marks a
    stateful topic: its current state is sent on subscribing, and the data item with
    ``is_property_state`` holds it. ``group_nice_names`` are the ``NiceName`` of each level
    above the topic (``None`` where the device gives none), e.g. ``("Device", "Input
    ports")``.
    """

    topic: str
    nice_name: str | None = None
    is_property: bool = False
    source: tuple[ItemDeclaration, ...] = ()
    key: tuple[ItemDeclaration, ...] = ()
    data: tuple[ItemDeclaration, ...] = ()
    is_application_data: bool = False
    is_deprecated: bool = False
    group_nice_names: tuple[str | None, ...] = ()

    @property
    def mqtt_topic(self) -> str:
        """The MQTT spelling: ``onvif:Device/axis:IO/VirtualInput``."""
        return mqtt_topic(self.topic)

    @property
    def event_class(self) -> type[Event]:
        """The typed class events of this topic are parsed into."""
        return event_class(self.topic)

    @property
    def state_item(self) -> ItemDeclaration | None:
        """The data item that holds the state of a stateful topic."""
        return next((item for item in self.data if item.is_property_state), None)

    @property
    def title(self) -> str:
        """A name for people: ``<nearest named group>: <nice name or last topic part>``."""
        own = self.nice_name or self.topic.rsplit("/", 1)[-1]
        group = next((name for name in reversed(self.group_nice_names) if name), None)
        return f"{group}: {own}" if group and group != own else own


# --- the request ---------------------------------------------------------------------------


def declarations_request() -> HttpRequest:
    """The ``GetEventInstances`` request; read-only, so the transport may retry it."""
    return HttpRequest(
        "POST",
        PATH,
        api=API_NAME,
        content=REQUEST_BODY,
        headers={"Content-Type": CONTENT_TYPE},
        idempotent=True,
        # SOAP faults come with 400 (sender) or 500 (receiver); the body says which.
        accept_status=frozenset({400, 500}),
    )


def declarations_result(response: HttpResponse) -> list[TopicDeclaration]:
    """The declarations of a response, or the SOAP fault (:class:`SoapFaultError`) it holds.

    A 400/500 answer that is not a SOAP fault raises :class:`~axisctl.errors.HTTPStatusError`;
    a 200 answer of another shape :class:`~axisctl.errors.MalformedResponseError`.
    """
    if response.status >= 400:
        fault = _fault_of(response.content)
        if fault is not None:
            raise fault
        raise HTTPStatusError(
            f"unexpected HTTP {response.status} without a SOAP fault",
            status=response.status,
            api=API_NAME,
        )
    return parse_declarations(response.content)


# --- the parser ----------------------------------------------------------------------------


def parse_declarations(content: bytes) -> list[TopicDeclaration]:
    """The topics of a ``GetEventInstances`` answer, in document order.

    Raises :class:`SoapFaultError` for a fault and
    :class:`~axisctl.errors.MalformedResponseError` for anything not of the documented shape.
    """
    try:
        envelope = safexml.parse_xml(content, what=_WHAT)
        body = _body(envelope)
        fault = _fault_in(body)
        if fault is not None:
            raise fault
        answer = safexml.require_child(body, NS_EVENT1, "GetEventInstancesResponse", what=_WHAT)
        topic_set = safexml.require_child(answer, NS_WSTOP, "TopicSet", what=_WHAT)
        found: list[TopicDeclaration] = []
        _walk(topic_set, (), (), found)
        return found
    except ParseError as exc:
        raise MalformedResponseError(exc.message, api=API_NAME) from None


def _body(envelope: safexml.Element) -> safexml.Element:
    namespace = safexml.namespace_of(envelope)
    if safexml.local_name(envelope) != "Envelope" or namespace not in (NS_SOAP, NS_SOAP11):
        raise ParseError(f"{_WHAT}: root is {str(envelope.tag)[:80]!r}, expected a SOAP Envelope")
    return safexml.require_child(envelope, namespace, "Body", what=_WHAT)


def _walk(
    parent: safexml.Element,
    path: tuple[str, ...],
    nice_names: tuple[str | None, ...],
    found: list[TopicDeclaration],
) -> None:
    for element in parent.iterchildren():
        if not isinstance(element.tag, str):
            continue
        if safexml.namespace_of(element) in (NS_EVENT1, NS_WSTOP):
            continue  # MessageInstance and the like describe the parent; they are no topics
        own_path = (*path, _topic_part(element))
        nice_name = _attribute(element, "NiceName")
        instance = safexml.child(element, NS_EVENT1, "MessageInstance")
        if _flag(_attribute(element, "topic")) or instance is not None:
            found.append(_declaration(element, own_path, nice_names, instance))
        _walk(element, own_path, (*nice_names, nice_name), found)


def _topic_part(element: safexml.Element) -> str:
    local = safexml.local_name(element)
    namespace = safexml.namespace_of(element)
    if namespace is None:
        return local
    prefix = TOPIC_PREFIXES.get(namespace) or element.prefix
    return f"{prefix}:{local}" if prefix else local


def _attribute(element: safexml.Element, local: str) -> str | None:
    """An attribute by local name, qualified (``aev:NiceName``) or not (``Name``)."""
    value = element.get(local)
    if value is not None:
        return value
    for name, found in element.attrib.items():
        if isinstance(name, str) and name.endswith("}" + local):
            return str(found)
    return None


def _flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def _declaration(
    element: safexml.Element,
    path: tuple[str, ...],
    group_nice_names: tuple[str | None, ...],
    instance: safexml.Element | None,
) -> TopicDeclaration:
    topic = "/".join(path)
    items: dict[str, tuple[ItemDeclaration, ...]] = {"source": (), "key": (), "data": ()}
    if instance is not None:
        for part, container_name in _CONTAINERS:
            container = safexml.child(instance, NS_EVENT1, container_name)
            if container is not None:
                items[part] = tuple(_item(item, topic) for item in _simple_items(container))
    return TopicDeclaration(
        topic=topic,
        nice_name=_attribute(element, "NiceName"),
        is_property=instance is not None and _flag(_attribute(instance, "isProperty")),
        source=items["source"],
        key=items["key"],
        data=items["data"],
        is_application_data=_flag(_attribute(element, "isApplicationData")),
        is_deprecated=_flag(_attribute(element, "isDeprecated")),
        group_nice_names=group_nice_names,
    )


def _simple_items(container: safexml.Element) -> Iterable[safexml.Element]:
    return safexml.children(container, NS_EVENT1, "SimpleItemInstance")


def _item(element: safexml.Element, topic: str) -> ItemDeclaration:
    name = element.get("Name")
    if not name:
        raise ParseError(f"{_WHAT}: an item of {topic[:80]!r} has no Name")
    values: list[str] = []
    value_names: dict[str, str] = {}
    for value_element in safexml.children(element, NS_EVENT1, "Value"):
        value = safexml.text_of(value_element, what=_WHAT)
        values.append(value)
        value_name = _attribute(value_element, "NiceName")
        if value_name is not None:
            value_names[value] = value_name
    return ItemDeclaration(
        name=name,
        type=element.get("Type"),
        nice_name=_attribute(element, "NiceName"),
        is_property_state=_flag(_attribute(element, "isPropertyState")),
        values=tuple(values),
        value_nice_names=value_names,
    )


# --- SOAP faults ---------------------------------------------------------------------------


def _fault_of(content: bytes) -> SoapFaultError | None:
    """The fault of an error answer, or ``None`` when the body is no SOAP fault."""
    try:
        return _fault_in(_body(safexml.parse_xml(content, what=_WHAT)))
    except ParseError:
        return None


def _fault_in(body: safexml.Element) -> SoapFaultError | None:
    namespace = safexml.namespace_of(body)
    fault = safexml.child(body, namespace, "Fault")
    if fault is None:
        return None
    if namespace == NS_SOAP11:
        code = _text(safexml.child(fault, None, "faultcode"))
        return SoapFaultError(_text(safexml.child(fault, None, "faultstring")), fault_code=code)
    code_element = safexml.child(fault, namespace, "Code")
    fault_code = ""
    subcodes: list[str] = []
    subcode = None
    if code_element is not None:
        fault_code = _text(safexml.child(code_element, namespace, "Value"))
        subcode = safexml.child(code_element, namespace, "Subcode")
    # Bounded: a hostile answer could nest subcodes as deep as the parser allows.
    while subcode is not None and len(subcodes) < 8:
        subcodes.append(_text(safexml.child(subcode, namespace, "Value")))
        subcode = safexml.child(subcode, namespace, "Subcode")
    reason = safexml.child(fault, namespace, "Reason")
    texts = (
        [] if reason is None else [_text(t) for t in safexml.children(reason, namespace, "Text")]
    )
    return SoapFaultError(
        next((t for t in texts if t), "no reason given"),
        fault_code=fault_code,
        subcodes=tuple(code for code in subcodes if code),
    )


def _text(element: safexml.Element | None) -> str:
    if element is None or len(element):
        return ""
    return (element.text or "").strip()


# --- the writer (simulator) ----------------------------------------------------------------


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(
        safexml.qname(NS_SOAP, "Envelope"),
        nsmap={
            "SOAP-ENV": NS_SOAP,
            "xsi": NS_XSI,
            "xsd": NS_XSD,
            "wstop": NS_WSTOP,
            "aev": NS_EVENT1,
            "tns1": NS_TOPICS_ONVIF,
            "tnsaxis": NS_TOPICS_AXIS,
        },
    )
    return envelope, etree.SubElement(envelope, safexml.qname(NS_SOAP, "Body"))


def _serialise(envelope: etree._Element) -> bytes:
    etree.indent(envelope, space="  ")
    # The declaration as devices write it (lxml's own uses single quotes).
    return (XML_DECLARATION + etree.tostring(envelope, encoding="unicode") + "\n").encode()


def declarations_xml(declarations: Iterable[TopicDeclaration]) -> bytes:
    """The ``GetEventInstances`` answer declaring ``declarations``, as a device writes it.

    Topics sharing a path prefix share its elements; a group's ``NiceName`` is taken from the
    first declaration that gives one. Topic parts may carry the prefixes ``tns1``/``tnsaxis``
    or none; anything else raises ``ValueError``, as do names XML cannot hold.
    """
    envelope, body = _envelope()
    answer = etree.SubElement(body, safexml.qname(NS_EVENT1, "GetEventInstancesResponse"))
    topic_set = etree.SubElement(answer, safexml.qname(NS_WSTOP, "TopicSet"))
    nodes: dict[tuple[str, ...], etree._Element] = {}
    for declaration in declarations:
        parts = tuple(declaration.topic.split("/"))
        parent = topic_set
        for depth, part in enumerate(parts):
            key = parts[: depth + 1]
            node = nodes.get(key)
            if node is None:
                node = etree.SubElement(parent, _tag(part, declaration.topic))
                nodes[key] = node
            if depth < len(parts) - 1:
                names = declaration.group_nice_names
                group_name = names[depth] if depth < len(names) else None
                if group_name and node.get(safexml.qname(NS_EVENT1, "NiceName")) is None:
                    node.set(safexml.qname(NS_EVENT1, "NiceName"), group_name)
            parent = node
        _write_topic(parent, declaration)
    return _serialise(envelope)


def _tag(part: str, topic: str) -> str:
    prefix, colon, local = part.partition(":")
    if not colon:
        return part
    namespace = _PREFIX_NAMESPACES.get(prefix)
    if namespace is None:
        raise ValueError(f"topic {topic!r}: prefix {prefix!r} is not tns1 or tnsaxis")
    return safexml.qname(namespace, local)


def _write_topic(node: etree._Element, declaration: TopicDeclaration) -> None:
    node.set(safexml.qname(NS_WSTOP, "topic"), "true")
    if declaration.nice_name is not None:
        node.set(safexml.qname(NS_EVENT1, "NiceName"), declaration.nice_name)
    if declaration.is_application_data:
        node.set("isApplicationData", "true")
    if declaration.is_deprecated:
        node.set("isDeprecated", "true")
    instance = etree.Element(safexml.qname(NS_EVENT1, "MessageInstance"))
    node.insert(0, instance)  # before any topics below this one
    if declaration.is_property:
        instance.set(safexml.qname(NS_EVENT1, "isProperty"), "true")
    for part, container_name in _CONTAINERS:
        items: tuple[ItemDeclaration, ...] = getattr(declaration, part)
        if not items:
            continue
        container = etree.SubElement(instance, safexml.qname(NS_EVENT1, container_name))
        for item in items:
            element = etree.SubElement(container, safexml.qname(NS_EVENT1, "SimpleItemInstance"))
            if item.nice_name is not None:
                element.set(safexml.qname(NS_EVENT1, "NiceName"), item.nice_name)
            if item.type is not None:
                element.set("Type", item.type)
            element.set("Name", item.name)
            if item.is_property_state:
                element.set("isPropertyState", "true")
            for value in item.values:
                value_element = etree.SubElement(element, safexml.qname(NS_EVENT1, "Value"))
                value_element.text = value
                value_name = item.value_nice_names.get(value)
                if value_name is not None:
                    value_element.set(safexml.qname(NS_EVENT1, "NiceName"), value_name)


def fault_xml(reason: str, *, sender: bool = True, subcode: str | None = None) -> bytes:
    """A SOAP 1.2 fault as a device sends it: ``Sender`` for a bad request, else ``Receiver``.

    ``subcode`` is a QName in the ``aev`` namespace's document (e.g. ``aev:NoSuchMethod``).
    """
    envelope, body = _envelope()
    fault = etree.SubElement(body, safexml.qname(NS_SOAP, "Fault"))
    code = etree.SubElement(fault, safexml.qname(NS_SOAP, "Code"))
    etree.SubElement(code, safexml.qname(NS_SOAP, "Value")).text = (
        "SOAP-ENV:Sender" if sender else "SOAP-ENV:Receiver"
    )
    if subcode is not None:
        sub = etree.SubElement(code, safexml.qname(NS_SOAP, "Subcode"))
        etree.SubElement(sub, safexml.qname(NS_SOAP, "Value")).text = subcode
    text = etree.SubElement(
        etree.SubElement(fault, safexml.qname(NS_SOAP, "Reason")), safexml.qname(NS_SOAP, "Text")
    )
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    text.text = reason
    return _serialise(envelope)
