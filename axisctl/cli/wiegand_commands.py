"""``axisctl wiegand``: encode and decode Wiegand card frames, list the formats.

No device is involved: these commands are the codec of ``axisctl.drivers.wiegand`` on the
command line, for checking what a reader sends or what a controller should read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from axisctl.cli.app import cli
from axisctl.cli.output import console, print_json, print_table
from axisctl.drivers.wiegand import (
    BitRange,
    Credential,
    KeypressFormat,
    WiegandFormat,
    WiegandFormatNameError,
    WiegandFrame,
    candidates,
    decode,
    encode,
    encode_keys,
)

__all__ = ["wiegand"]

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


# ParamType is generic only in newer click; subscripting it would break click 8.1.
class FormatName(click.ParamType):  # type: ignore[type-arg]
    """A card format by HID name, Axis name or bit count, any case."""

    name = "FORMAT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> WiegandFormat:
        if isinstance(value, WiegandFormat):
            return value
        try:
            return WiegandFormat.parse(str(value))
        except WiegandFormatNameError as error:
            self.fail(error.message, param, ctx)


FORMAT = FormatName()


@cli.group("wiegand")
def wiegand() -> None:
    """Wiegand card frames: encode a facility code and card number, decode bits.

    Formats: H10301 (Wiegand26: 8-bit facility, 16-bit card), H10306 (Wiegand34: 16/16),
    H10302 (Wiegand37: 35-bit card), H10304 (Wiegand37FacilityCode: 16/19) and raw (any
    length, no parity). Bit 1 is sent first; the leading bit is even parity and the trailing
    bit odd parity. Hex is shown as Axis reports cards (right-aligned) and as OSDP carries
    them (left-aligned).

    \b
    Examples:
      axisctl wiegand encode --format H10301 --facility 0 --card 10213
      axisctl wiegand decode 10000000000100111111001011
      axisctl wiegand decode --hex 02004fcb --bit-count 26 --json
      axisctl wiegand formats
    """


def _bits_display(frame: WiegandFrame, fmt: WiegandFormat) -> str:
    """``P dddd dddd ... P`` for formats with parity, groups of 4 for raw frames."""
    if fmt.layout is None:
        return frame.to_text(group=4)
    text = frame.to_text()
    data = text[1:-1]
    groups = " ".join(data[i : i + 4] for i in range(0, len(data), 4))
    return f"{text[0]} {groups} {text[-1]}"


def _parity(credential: Credential) -> list[dict[str, Any]]:
    layout = credential.format.layout
    if layout is None:
        return []
    return [
        {
            "kind": rule.kind,
            "bit": rule.bit,
            "window": str(rule.window),
            "value": credential.frame.bit(rule.bit),
            "ok": True,  # decode() refuses a frame whose parity fails
        }
        for rule in layout.parity
    ]


def _document(credential: Credential) -> dict[str, Any]:
    frame = credential.frame
    return {
        "format": credential.format.value,
        "axis_name": credential.format.axis_name,
        "facility": credential.facility,
        "card": credential.card,
        "bit_count": frame.bit_count,
        "bits": frame.to_text(),
        "hex": frame.to_axis_hex(),
        "osdp_hex": frame.to_osdp_bytes().hex(),
        "parity": _parity(credential),
    }


def _print_credential(credential: Credential, extra: Sequence[tuple[str, str]] = ()) -> None:
    fmt = credential.format
    frame = credential.frame
    rows = [
        ("format", f"{fmt.value} ({fmt.axis_name}): {fmt.description}"),
        ("facility", "none" if credential.facility is None else str(credential.facility)),
        ("card", str(credential.card)),
        ("bit count", str(frame.bit_count)),
        ("bits", _bits_display(frame, fmt)),
    ]
    if fmt.layout is not None:
        rows.append(("parity", "; ".join(f"{rule}: ok" for rule in fmt.layout.parity)))
    rows += [
        ("hex", f"{frame.to_axis_hex()} (Axis Card, right-aligned)"),
        ("OSDP data", f"{frame.to_osdp_bytes().hex(' ')} (left-aligned)"),
        *extra,
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        console.print(f"{name:<{width}}  {value}", highlight=False, soft_wrap=True)


@wiegand.command("encode")
@click.option("--format", "fmt", type=FORMAT, required=True, help="Card format (see formats).")
@click.option("--facility", type=int, help="Facility code (default 0 where the format has one).")
@click.option("--card", type=int, required=True, help="Card number.")
@click.option("--bit-count", type=int, help="Frame length, for --format raw.")
@json_option
def wiegand_encode(
    fmt: WiegandFormat, facility: int | None, card: int, bit_count: int | None, as_json: bool
) -> None:
    """The frame for a facility code and card number: bits, Axis hex and OSDP bytes.

    \b
    Examples:
      axisctl wiegand encode --format H10301 --facility 0 --card 10213
      axisctl wiegand encode --format Wiegand37FacilityCode --facility 123 --card 4567
      axisctl wiegand encode --format raw --bit-count 32 --card 305419896 --json
    """
    frame = encode(fmt, facility=facility, card=card, bit_count=bit_count)
    credential = decode(frame, fmt)
    if as_json:
        print_json(_document(credential))
        return
    _print_credential(credential)


@wiegand.command("decode")
@click.argument("bits", nargs=-1)
@click.option("--format", "fmt", type=FORMAT, help="Card format; default: by bit count.")
@click.option("--hex", "axis_hex", metavar="HEX", help="Axis Card hex (right-aligned) instead.")
@click.option("--osdp-hex", metavar="HEX", help="OSDP RAW card data (left-aligned) instead.")
@click.option("--bit-count", type=int, help="Bit count of --hex or --osdp-hex.")
@json_option
def wiegand_decode(
    bits: tuple[str, ...],
    fmt: WiegandFormat | None,
    axis_hex: str | None,
    osdp_hex: str | None,
    bit_count: int | None,
    as_json: bool,
) -> None:
    """Format, facility code and card number of BITS, with the parity checked.

    BITS are 0s and 1s, first sent first; spaces and _ between them are ignored. The
    format follows from the length (26: H10301, 34: H10306, 37: H10302, also shown as
    H10304); give --format for others, or raw. A parity or length error exits with 9.

    \b
    Examples:
      axisctl wiegand decode 10000000000100111111001011
      axisctl wiegand decode 1 0000 0000 0010 0111 1110 0101 1
      axisctl wiegand decode --hex 02004fcb --bit-count 26
      axisctl wiegand decode --osdp-hex 8013f2c0 --bit-count 26 --json
      axisctl wiegand decode --format raw 1101
    """
    sources = [s for s in (bits or None, axis_hex, osdp_hex) if s is not None]
    if len(sources) != 1:
        raise click.UsageError("give BITS, --hex or --osdp-hex (exactly one)")
    if bits:
        if bit_count is not None:
            raise click.UsageError("--bit-count goes with --hex or --osdp-hex; BITS have a length")
        frame = WiegandFrame.from_text(" ".join(bits))
    elif bit_count is None:
        raise click.UsageError("--hex and --osdp-hex need --bit-count")
    elif axis_hex is not None:
        frame = WiegandFrame.from_axis_hex(axis_hex, bit_count)
    else:
        assert osdp_hex is not None
        try:
            data = bytes.fromhex(osdp_hex)
        except ValueError as error:
            raise click.BadParameter(
                f"not hex bytes: {osdp_hex!r}", param_hint="--osdp-hex"
            ) from error
        frame = WiegandFrame.from_osdp_bytes(data, bit_count)
    credential = decode(frame, fmt)
    others = (
        [c for c in candidates(frame) if c.format is not credential.format] if fmt is None else []
    )
    if as_json:
        document = _document(credential)
        document["also_valid_as"] = [
            {"format": c.format.value, "facility": c.facility, "card": c.card} for c in others
        ]
        print_json(document)
        return
    extra = [
        ("also valid as", f"{c.format.value}: facility {c.facility}, card {c.card}") for c in others
    ]
    _print_credential(credential, extra)


def _card_format_json(fmt: WiegandFormat) -> dict[str, Any]:
    layout = fmt.layout
    facility = layout.facility if layout else None
    return {
        "format": fmt.value,
        "axis_name": fmt.axis_name,
        "bit_count": fmt.bit_count,
        "facility_bits": facility.width if facility else None,
        "facility_max": facility.maximum if facility else None,
        "card_bits": layout.card.width if layout else None,
        "card_max": layout.card.maximum if layout else None,
        "parity": [str(rule) for rule in layout.parity] if layout else [],
        "description": fmt.description,
    }


def _pin_1234(fmt: KeypressFormat) -> str:
    """What the intercom sends for PIN 1234, as the manual writes it (0x1 0x2 ...)."""
    frames = encode_keys("1234", fmt)
    if fmt.per_key:
        digits = 1 if fmt.frame_bits == 4 else 2
        return " ".join(f"0x{f.value:0{digits}X}" for f in frames)
    return f"{frames[0].to_axis_hex()} (hex)"


def _keypress_frame(fmt: KeypressFormat) -> str:
    if fmt.card_format is None:
        return f"{fmt.frame_bits} bits per key"
    return f"{fmt.frame_bits} bits, {fmt.card_format.value}"


def _keypress_json(fmt: KeypressFormat) -> dict[str, Any]:
    return {
        "format": fmt.value,
        "frame_bits": fmt.frame_bits,
        "per_key": fmt.per_key,
        "card_format": fmt.card_format.value if fmt.card_format else None,
        "facility": fmt.has_facility,
        "pin_1234": _pin_1234(fmt),
    }


def _range(bits: BitRange | None) -> str:
    return "-" if bits is None else f"{bits.width} bits (0-{bits.maximum})"


@wiegand.command("formats")
@json_option
def wiegand_formats(as_json: bool) -> None:
    """The card formats, and the PIN keypress formats of an intercom acting as a reader.

    \b
    Example:
      axisctl wiegand formats --json
    """
    if as_json:
        print_json(
            {
                "card_formats": [_card_format_json(f) for f in WiegandFormat],
                "keypress_formats": [_keypress_json(f) for f in KeypressFormat],
            }
        )
        return
    rows = []
    for fmt in WiegandFormat:
        layout = fmt.layout
        parity = ", ".join(f"{r.kind} {r.window}" for r in layout.parity) if layout else "none"
        rows.append(
            (
                fmt.value,
                fmt.axis_name,
                fmt.bit_count or "any",
                _range(layout.facility if layout else None),
                _range(layout.card) if layout else "all bits",
                parity,
            )
        )
    print_table("Card formats", ("format", "Axis name", "bits", "facility", "card", "parity"), rows)
    print_table(
        "PIN keypress formats",
        ("format", "frame", "PIN 1234 is sent as"),
        [(fmt.value, _keypress_frame(fmt), _pin_1234(fmt)) for fmt in KeypressFormat],
    )
