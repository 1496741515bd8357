"""The simulated models: identity, parameters, API list and I/O of each seed product.

Values the manuals do not give (product numbers of the unnamed intercom and PTZ camera,
firmware versions, serial numbers) are choices recorded in docs/decisions.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ApiSpec:
    id: str
    version: str
    name: str
    status: str | None = None


@dataclass(frozen=True)
class IOPortSpec:
    """One I/O port as the device numbers it (0-based in ``IOPort.I<n>``)."""

    name: str
    direction: str  # "input" | "output"
    configurable: bool
    pin: str
    usage: str = ""
    supervised: bool = False
    relay: bool = False


@dataclass(frozen=True)
class ReaderConnectorSpec:
    """The reader side of an intercom: its connector pins and the I/O ports they share.

    The 6-pin terminal block is ``-``, ``12V``, ``A/IO1``, ``B/IO2``, ``COM``, ``NO/NC``
    (seed-intercom.md §5.1). Pins 3-4 are I/O ports 1-2, or RS-485 A/B for OSDP; Wiegand
    D0/D1 use the same two pins (axisctl's choice: the manual names none). The relay
    (pins 5-6) is the door: it closes for the door open time when access is granted.
    """

    pins: tuple[str, ...] = ("-", "12V", "A/IO1", "B/IO2", "COM", "NO/NC")
    #: I/O port (1-based) on pin 3 (RS-485 A, Wiegand D0) and on pin 4 (RS-485 B, D1).
    line_a_port: int = 1
    line_b_port: int = 2
    #: I/O port (1-based) of the relay that drives the door lock.
    door_port: int = 3


@dataclass(frozen=True)
class ModelSpec:
    key: str
    prod_nbr: str
    prod_full_name: str
    prod_type: str
    firmware: str
    build_date: str
    hardware_id: str
    architecture: str
    soc: str
    serial_prefix: str
    apis: tuple[ApiSpec, ...]
    io_ports: tuple[IOPortSpec, ...] = ()
    virtual_inputs: int = 0
    resolutions: tuple[str, ...] = ("1920x1080", "1280x720", "640x360")
    extra_params: dict[str, str] = field(default_factory=dict)
    #: ACAP applications installed at the factory: ``fflprapp`` is the License Plate Verifier.
    apps: tuple[str, ...] = ()
    #: The reader side (entry list, reader settings) of models that have one: the intercom.
    reader: ReaderConnectorSpec | None = None

    @property
    def prod_short_name(self) -> str:
        return f"AXIS {self.prod_nbr}"


_DOC = "https://developer.axis.com/vapix/"

_COMMON_APIS = (
    ApiSpec("api-discovery", "1.0", "API Discovery Service"),
    ApiSpec("basic-device-info", "1.3", "Basic Device Information"),
    ApiSpec("param-cgi", "1.0", "Legacy Parameter Handling"),
    ApiSpec("systemready", "1.4", "Systemready"),
    ApiSpec("user-management", "1.1", "User Management"),
    ApiSpec("fwmgr", "1.4", "Firmware Management"),
    ApiSpec("time-service", "1.1", "Time API", "deprecated"),
    ApiSpec("event-streaming-over-websocket", "1.0", "Event streaming over WebSocket"),
)
_MQTT = (
    ApiSpec("mqtt-client", "1.3", "MQTT Client API"),
    ApiSpec("event-mqtt-bridge", "1.1", "MQTT Event Bridge"),
)
_IO = (ApiSpec("io-port-management", "1.1", "IO Port Management"),)


def _configurable(count: int, first_pin: int, supervised: bool = False) -> tuple[IOPortSpec, ...]:
    return tuple(
        IOPortSpec(
            name=f"Port {index + 1}",
            direction="input",
            configurable=True,
            pin=str(first_pin + index),
            supervised=supervised,
        )
        for index in range(count)
    )


MODELS: dict[str, ModelSpec] = {
    "d4200-ve": ModelSpec(
        key="d4200-ve",
        prod_nbr="D4200-VE",
        prod_full_name="AXIS D4200-VE Network Strobe Speaker",
        prod_type="Network Strobe Speaker",
        firmware="12.2.63",
        build_date="Jan 20 2025 10:41",
        hardware_id="A1F.1",
        architecture="aarch64",
        soc="Axis Artpec-8",
        serial_prefix="B8A44F",
        apis=(
            *_COMMON_APIS,
            *_MQTT,
            *_IO,
            ApiSpec("siren-and-light", "1.0", "Siren and Light"),
            ApiSpec("virtual-input", "1.0", "Virtual Input"),
        ),
        io_ports=_configurable(2, first_pin=3, supervised=True),
        virtual_inputs=64,
        resolutions=(),
    ),
    "p1455-le-3": ModelSpec(
        key="p1455-le-3",
        prod_nbr="P1455-LE",
        prod_full_name="AXIS P1455-LE Network Camera",
        prod_type="Network Camera",
        firmware="11.11.109",
        build_date="Oct 02 2024 14:05",
        hardware_id="9A4",
        architecture="armv7hf",
        soc="Axis Artpec-7",
        serial_prefix="ACCC8E",
        apis=(*_COMMON_APIS, *_MQTT, *_IO, ApiSpec("virtual-input", "1.0", "Virtual Input")),
        io_ports=(
            IOPortSpec("Input 1", "input", configurable=False, pin="3", supervised=True),
            IOPortSpec("Output 1", "output", configurable=False, pin="4"),
        ),
        virtual_inputs=64,
        resolutions=("1920x1080", "1280x720", "800x450", "640x360", "320x180"),
        extra_params={"Properties.EmbeddedDevelopment.Version": "3.5"},
        apps=("fflprapp",),
    ),
    "intercom": ModelSpec(
        key="intercom",
        prod_nbr="I8116-E",
        prod_full_name="AXIS I8116-E Network Video Intercom",
        prod_type="Network Video Intercom",
        firmware="12.3.56",
        build_date="Mar 11 2025 08:12",
        hardware_id="B15",
        architecture="aarch64",
        soc="Axis Artpec-8",
        serial_prefix="B8A44F",
        apis=(*_COMMON_APIS, *_MQTT, *_IO, ApiSpec("virtual-input", "1.0", "Virtual Input")),
        io_ports=(
            *_configurable(2, first_pin=3),
            IOPortSpec(
                "Relay 1", "output", configurable=False, pin="5-6", usage="Door", relay=True
            ),
        ),
        virtual_inputs=64,
        resolutions=("2560x1920", "1920x1440", "1280x960", "640x480"),
        reader=ReaderConnectorSpec(),
    ),
    "ptz-camera": ModelSpec(
        key="ptz-camera",
        prod_nbr="Q6225-LE",
        prod_full_name="AXIS Q6225-LE PTZ Camera",
        prod_type="PTZ Network Camera",
        firmware="11.11.124",
        build_date="Nov 18 2024 09:30",
        hardware_id="9F2",
        architecture="armv7hf",
        soc="Axis Artpec-7",
        serial_prefix="ACCC8E",
        apis=(
            *_COMMON_APIS,
            *_IO,
            ApiSpec("ptz-control", "1.0", "PTZ Control"),
            ApiSpec("virtual-input", "1.0", "Virtual Input"),
        ),
        io_ports=_configurable(4, first_pin=3),
        virtual_inputs=64,
        resolutions=("1920x1080", "1280x720", "640x360"),
        extra_params={"Properties.PTZ.PTZ": "yes", "Properties.PTZ.DigitalPTZ": "no"},
    ),
    "a9188": ModelSpec(
        key="a9188",
        prod_nbr="A9188",
        prod_full_name="AXIS A9188 Network I/O Relay Module",
        prod_type="Network I/O Relay Module",
        firmware="11.11.135",
        build_date="Dec 04 2024 11:26",
        hardware_id="A0B",
        architecture="armv7hf",
        soc="Axis Artpec-6",
        serial_prefix="B8A44F",
        apis=(*_COMMON_APIS, *_MQTT, *_IO, ApiSpec("virtual-input", "1.0", "Virtual Input")),
        # Ports 1-8 are the configurable I/Os, 9-16 the relays: the numbering the LPR
        # manual gives for "relay ports 1 to 8 ... ports 9 to 16".
        io_ports=(
            *_configurable(8, first_pin=1),
            *(
                IOPortSpec(
                    f"Relay {index + 1}",
                    "output",
                    configurable=False,
                    pin=f"R{index + 1}",
                    relay=True,
                )
                for index in range(8)
            ),
        ),
        virtual_inputs=64,
        resolutions=(),
        # A real A9188 parameter dump reports 17 (vapix-wire-formats §3.2).
        extra_params={"Properties.IO.ManualTriggerNbr": "17"},
    ),
    "m4328-p": ModelSpec(
        key="m4328-p",
        prod_nbr="M4328-P",
        prod_full_name="AXIS M4328-P Panoramic Camera",
        prod_type="Network Camera",
        firmware="12.6.85",
        build_date="Jul 08 2025 13:57",
        hardware_id="B3C",
        architecture="aarch64",
        soc="Axis Artpec-9",
        serial_prefix="E82725",
        apis=(*_COMMON_APIS, *_MQTT, ApiSpec("virtual-input", "1.0", "Virtual Input")),
        io_ports=(),
        virtual_inputs=64,
        resolutions=("2992x2992", "3840x2160", "2560x1440", "1920x1080"),
        extra_params={"Properties.PTZ.DigitalPTZ": "yes"},
    ),
}


def model(key: str) -> ModelSpec:
    try:
        return MODELS[key]
    except KeyError:
        raise KeyError(f"unknown model {key!r}; choose from {', '.join(sorted(MODELS))}") from None
