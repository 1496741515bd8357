"""The event declarations of a simulated model: what ``GetEventInstances`` answers.

Derived from the model's :class:`~axisctl.sim.catalog.ModelSpec`, so a topic is declared
exactly when the model has the part that publishes it (see ``axisctl/sim/bus.py``):

- ``IO/Port`` and ``Trigger/DigitalInput`` list the 0-based indexes of ports that can be
  inputs, ``IO/OutputPort`` those that can be outputs, ``Trigger/Relay`` the relays;
- ``IO/VirtualInput`` lists ports 1..N when the device has virtual inputs;
- ``Status/SystemReady`` always; ``Light/Status`` and ``SirenAndLight/Status`` on models
  with the siren-and-light API;
- the License Plate Verifier's ``ALPV.*`` topics on the P1455-LE, the model the LPR kit
  ships on (vapix-wire-formats §7.1);
- the access decisions (``tns1:AccessControl/...``) and card reads
  (``tns1:IdPoint/tnsaxis:Request/IdData``) on models with a reader side (the intercom),
  see :mod:`axisctl.apis.access.events`.

Nice names follow real captures where one exists (Virtual input, Port number, Active,
System Ready, Input ports); the others are axisctl's wording.
"""

from __future__ import annotations

from axisctl.apis.access.events import (
    TOPIC_ACCESS_GRANTED,
    TOPIC_CARD_READ,
    TOPIC_DENIED,
    TOPIC_DENIED_CARD_NOT_FOUND,
    TOPIC_DENIED_INVALID_PIN,
    TOPIC_DENIED_PIN_NOT_FOUND,
    DenyReason,
)
from axisctl.events.declarations import ItemDeclaration, TopicDeclaration
from axisctl.sim.bus import (
    TOPIC_DIGITAL_INPUT,
    TOPIC_INPUT_PORT,
    TOPIC_LIGHT_STATUS,
    TOPIC_OUTPUT_PORT,
    TOPIC_RELAY,
    TOPIC_SIREN_LIGHT_STATUS,
    TOPIC_SYSTEM_READY,
    TOPIC_VIRTUAL_INPUT,
)
from axisctl.sim.catalog import ModelSpec

__all__ = ["LPR_MODELS", "declarations_for"]

#: Models that run the License Plate Verifier app in the simulator.
LPR_MODELS = frozenset({"p1455-le-3"})

_DEVICE = ("Device",)
_IO = (*_DEVICE, "Input ports")
_ACTIVE = ItemDeclaration("active", "xsd:boolean", "Active", is_property_state=True)


def _indexes(spec: ModelSpec, direction: str) -> tuple[str, ...]:
    return tuple(
        str(index)
        for index, port in enumerate(spec.io_ports)
        if port.configurable or port.direction == direction
    )


def _io_declarations(
    spec: ModelSpec, virtual_inputs: int
) -> tuple[list[TopicDeclaration], list[TopicDeclaration]]:
    """The ``tnsaxis:IO`` topics and the ``Trigger`` topics, each group in tree order."""
    found: list[TopicDeclaration] = []
    triggers: list[TopicDeclaration] = []
    inputs, outputs = _indexes(spec, "input"), _indexes(spec, "output")
    relays = tuple(str(index) for index, port in enumerate(spec.io_ports) if port.relay)
    state = ItemDeclaration("state", "xsd:boolean", "Active", is_property_state=True)
    if inputs:
        found.append(
            TopicDeclaration(
                TOPIC_INPUT_PORT,
                "Digital input port",
                is_property=True,
                source=(ItemDeclaration("port", "xsd:int", "Port", values=inputs),),
                data=(state,),
                group_nice_names=_IO,
            )
        )
    if outputs:
        found.append(
            TopicDeclaration(
                TOPIC_OUTPUT_PORT,
                "Digital output port",
                is_property=True,
                source=(ItemDeclaration("port", "xsd:int", "Port", values=outputs),),
                data=(state,),
                group_nice_names=_IO,
            )
        )
    if virtual_inputs > 0:
        found.append(_virtual_inputs(virtual_inputs))
    if inputs:
        triggers.append(
            TopicDeclaration(
                TOPIC_DIGITAL_INPUT,
                "Digital input",
                is_property=True,
                source=(ItemDeclaration("InputToken", "tt:ReferenceToken", values=inputs),),
                data=(ItemDeclaration("LogicalState", "xsd:boolean", is_property_state=True),),
                is_application_data=True,
                group_nice_names=(*_DEVICE, None),
            )
        )
    if relays:
        triggers.append(
            TopicDeclaration(
                TOPIC_RELAY,
                "Relay",
                is_property=True,
                source=(ItemDeclaration("RelayToken", "tt:ReferenceToken", values=relays),),
                data=(
                    ItemDeclaration(
                        "LogicalState",
                        "tt:RelayLogicalState",
                        is_property_state=True,
                        values=("active", "inactive"),
                    ),
                ),
                is_application_data=True,
                group_nice_names=(*_DEVICE, None),
            )
        )
    return found, triggers


def _virtual_inputs(count: int) -> TopicDeclaration:
    # The wording of a real device's declaration (vapix-wire-formats §6.3).
    return TopicDeclaration(
        TOPIC_VIRTUAL_INPUT,
        "Virtual input",
        is_property=True,
        source=(
            ItemDeclaration(
                "port",
                "xsd:int",
                "Port number",
                values=tuple(str(port) for port in range(1, count + 1)),
            ),
        ),
        data=(_ACTIVE,),
        group_nice_names=_IO,
    )


_SYSTEM_READY = TopicDeclaration(
    TOPIC_SYSTEM_READY,
    "System Ready",
    is_property=True,
    data=(ItemDeclaration("ready", "xsd:boolean", is_property_state=True),),
    group_nice_names=(*_DEVICE, "Device status"),
)

_LIGHT_STATUS = TopicDeclaration(
    TOPIC_LIGHT_STATUS,
    "Status",
    is_property=True,
    source=(ItemDeclaration("id", "xsd:int", "Light ID", values=("0",)),),
    data=(ItemDeclaration("state", "xsd:string", "State", is_property_state=True),),
    is_application_data=True,
    group_nice_names=(*_DEVICE, "Light"),
)

_SIREN_LIGHT_STATUS = TopicDeclaration(
    TOPIC_SIREN_LIGHT_STATUS,
    "Status",
    is_property=True,
    source=(ItemDeclaration("channel", "xsd:string", "Channel", values=("siren", "light")),),
    data=(
        ItemDeclaration("pattern", "xsd:string", "Pattern", is_property_state=True),
        ItemDeclaration("priority", "xsd:int", "Priority"),
        ItemDeclaration("profile", "xsd:string", "Profile"),
    ),
    group_nice_names=(*_DEVICE, "Siren and light"),
)

# Data of a plate read: the AllPlates sample's fields, then the other documented ones.
_PLATE_FIELDS = (
    ("consumedTime", "xsd:int", "Processing time (ms)"),
    ("frame_timestamp", "xsd:long", "Frame timestamp"),
    ("carMoveDirection", "xsd:string", "Direction"),
    ("carState", "xsd:string", "Car state"),
    ("action", "xsd:string", "Action"),
    ("capture_timestamp", "xsd:long", "Capture timestamp"),
    ("width", "xsd:int", "Width"),
    ("carID", "xsd:string", "Car ID"),
    ("top", "xsd:int", "Top"),
    ("country", "xsd:string", "Country"),
    ("left", "xsd:int", "Left"),
    ("height", "xsd:int", "Height"),
    ("listName", "xsd:string", "List name"),
    ("text", "xsd:string", "Plate text"),
    ("roiID", "xsd:int", "Region of interest"),
    ("vehicleType", "xsd:string", "Vehicle type"),
    ("view", "xsd:string", "View"),
    ("iso3166-2", "xsd:string", "ISO 3166-2 code"),
    ("region", "xsd:string", "Region"),
    ("regionCode", "xsd:string", "Region code"),
    ("listDescription", "xsd:string", "List description"),
    ("vehicleColor", "xsd:string", "Vehicle color"),
    ("listMode", "xsd:string", "List mode"),
    ("MACAddress", "xsd:string", "MAC address"),
)
_PLATE_DATA = tuple(
    ItemDeclaration(name, kind, nice_name) for name, kind, nice_name in _PLATE_FIELDS
)
#: Stateless topics carrying a plate read.
_LPR_READS = (
    ("AllPlates", "All plates"),
    ("New", "New plate"),
    ("Update", "Plate updated"),
    ("Lost", "Plate lost"),
    ("RealTime", "Real-time plate"),
)
#: Stateful topics with data ``active``: lists, zones and directions.
_LPR_STATES = (
    ("Allow_list", "Plate in allow list"),
    ("Block_list", "Plate in block list"),
    ("Custom_list", "Plate in custom list"),
    ("NotInList", "Plate in no list"),
    ("Roi1", "Plate in region of interest 1"),
    ("Roi2", "Plate in region of interest 2"),
    ("PlateIN", "Vehicle moving in"),
    ("PlateOUT", "Vehicle moving out"),
    ("PlateInView", "Plate in view"),
)
_LPR_TOPIC = "tnsaxis:CameraApplicationPlatform/ALPV.{}"
# tnsaxis:CameraApplicationPlatform carries no NiceName in real answers.
_LPR_GROUP: tuple[str | None, ...] = (None,)


def _lpr() -> list[TopicDeclaration]:
    reads = [
        TopicDeclaration(
            _LPR_TOPIC.format(name),
            f"License Plate Verifier: {nice}",
            data=_PLATE_DATA,
            group_nice_names=_LPR_GROUP,
        )
        for name, nice in _LPR_READS
    ]
    states = [
        TopicDeclaration(
            _LPR_TOPIC.format(name),
            f"License Plate Verifier: {nice}",
            is_property=True,
            data=(_ACTIVE,),
            group_nice_names=_LPR_GROUP,
        )
        for name, nice in _LPR_STATES
    ]
    return reads + states


_ACCESS_POINT = (ItemDeclaration("AccessPointToken", "pt:ReferenceToken", "Access point"),)
_HOLDER = (
    ItemDeclaration("CredentialToken", "pt:ReferenceToken", "Credential"),
    ItemDeclaration("CredentialHolderName", "xsd:string", "Credential holder"),
)
_CARD = (
    ItemDeclaration("Card", "xsd:string", "Card data (hex)"),
    ItemDeclaration("BitCount", "xsd:int", "Bit count"),
)
_ENTRY_LIST = ("Entry list",)
_DENIED = (*_ENTRY_LIST, "Access denied")


def _access() -> list[TopicDeclaration]:
    """The intercom's access decisions and card reads, in tree order; all stateless."""
    reasons = tuple(reason.value for reason in DenyReason)
    return [
        TopicDeclaration(
            TOPIC_ACCESS_GRANTED,
            "Credential",
            source=_ACCESS_POINT,
            data=_HOLDER,
            group_nice_names=(*_ENTRY_LIST, "Access granted"),
        ),
        TopicDeclaration(
            TOPIC_DENIED,
            "Credential",
            source=_ACCESS_POINT,
            data=(*_HOLDER, ItemDeclaration("Reason", "xsd:string", "Reason", values=reasons)),
            group_nice_names=_DENIED,
        ),
        TopicDeclaration(
            TOPIC_DENIED_INVALID_PIN,
            "Invalid PIN",
            source=_ACCESS_POINT,
            data=_HOLDER,
            group_nice_names=(*_DENIED, "Authentication"),
        ),
        TopicDeclaration(
            TOPIC_DENIED_CARD_NOT_FOUND,
            "Card",
            source=_ACCESS_POINT,
            data=_CARD,
            group_nice_names=(*_DENIED, "Credential not found"),
        ),
        TopicDeclaration(
            TOPIC_DENIED_PIN_NOT_FOUND,
            "PIN",
            source=_ACCESS_POINT,
            group_nice_names=(*_DENIED, "Credential not found"),
        ),
        TopicDeclaration(
            TOPIC_CARD_READ,
            "Card presented",
            source=(ItemDeclaration("IdPointToken", "pt:ReferenceToken", "Reader"),),
            data=(
                *_CARD,
                ItemDeclaration("FacilityCode", "xsd:int", "Facility code"),
                ItemDeclaration("CardNr", "xsd:int", "Card number"),
            ),
            group_nice_names=("Reader", "Request"),
        ),
    ]


def declarations_for(
    spec: ModelSpec, *, virtual_inputs: int | None = None, siren_light: bool | None = None
) -> list[TopicDeclaration]:
    """The topics ``spec`` declares, in the order of the tree a device answers with.

    ``virtual_inputs`` and ``siren_light`` override the model's values, for devices built
    with another virtual input count (``SimulatedDevice(..., virtual_inputs=8)``).
    """
    count = spec.virtual_inputs if virtual_inputs is None else virtual_inputs
    has_siren_light = (
        any(api.id == "siren-and-light" for api in spec.apis)
        if siren_light is None
        else siren_light
    )
    io_topics, triggers = _io_declarations(spec, count)
    found = [*io_topics, *triggers, _SYSTEM_READY]
    if has_siren_light:
        found += [_LIGHT_STATUS, _SIREN_LIGHT_STATUS]
    if spec.key in LPR_MODELS:
        found += _lpr()
    if spec.reader is not None:
        found += _access()
    return found
