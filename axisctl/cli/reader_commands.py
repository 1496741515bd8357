"""``axisctl reader``: an intercom's reader settings and entry list.

PINs are secrets: they are taken from ``$AXISCTL_READER_PIN`` or a hidden prompt, never
from the command line, and never printed (``****``).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

import click

from axisctl.apis.access import (
    CardData,
    CredentialHolder,
    FacilityCodeMode,
    KeypressFormat,
    OutputFormat,
    ReaderProtocol,
    ReaderSettings,
    WiegandFormat,
    check_pin,
    decode_wiegand,
)
from axisctl.apis.access.cards import InvalidCardError
from axisctl.cli.app import Connection, cli
from axisctl.cli.output import console, print_json, print_table

__all__ = ["reader"]

PIN_ENV = "AXISCTL_READER_PIN"
MASK = "****"

pass_connection = click.make_pass_decorator(Connection)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@cli.group()
def reader() -> None:
    """An intercom's reader: its settings and the entry list of credential holders.

    \b
    The manual's recipe: a card opens the door (relay 1) for 7 seconds.
      axisctl reader settings set --door-open-time 7 --entry-list
      axisctl reader entry-list add Gordon Freeman --wiegand Wiegand26 --facility 0 --number 10213
      axisctl reader entry-list show
    """


# --- settings -------------------------------------------------------------------------------


def settings_json(settings: ReaderSettings) -> dict[str, Any]:
    return {
        "externalReader": settings.external_reader,
        "protocol": settings.protocol.value,
        "osdpAddress": settings.osdp_address,
        "keypressFormat": settings.keypress_format.value,
        "keypressFacilityCode": settings.keypress_facility_code,
        "outputFormat": settings.output_format.value,
        "facilityCodeMode": settings.facility_code_mode.value,
        "facilityCode": settings.facility_code,
        "pinLength": settings.pin_length,
        "pinTimeoutS": settings.pin_timeout_s,
        "doorOpenTimeS": settings.door_open_time_s,
        "entryList": settings.entry_list,
    }


def _print_settings(settings: ReaderSettings) -> None:
    on = {True: "on", False: "off"}
    rows: list[tuple[str, object]] = [
        ("external OSDP reader", on[settings.external_reader]),
        ("reader protocol", settings.protocol.value),
        ("OSDP address", settings.osdp_address),
        ("keypress format", settings.keypress_format.value),
        ("keypress facility code", settings.keypress_facility_code),
        ("output format", settings.output_format.value),
        ("facility code mode", settings.facility_code_mode.value),
        ("facility code", settings.facility_code),
        ("PIN length", settings.pin_length),
        ("PIN timeout (s)", settings.pin_timeout_s),
        ("door open time (s)", settings.door_open_time_s),
        ("entry list", on[settings.entry_list]),
    ]
    print_table(None, ("setting", "value"), rows)


@reader.group("settings")
def reader_settings() -> None:
    """Reader role, protocols, PIN entry and how long the door opens."""


@reader_settings.command("show")
@json_option
@pass_connection
def settings_show(conn: Connection, as_json: bool) -> None:
    """The reader settings.

    \b
    Examples:
      axisctl reader settings show
      axisctl reader settings show --json
    """
    with conn.device() as device:
        settings = device.access.reader_settings()
    if as_json:
        print_json(settings_json(settings))
    else:
        _print_settings(settings)


def _choice(kind: Any) -> click.Choice[str]:
    return click.Choice([member.value for member in kind], case_sensitive=False)


@reader_settings.command("set")
@click.option(
    "--external-reader/--no-external-reader", default=None, help="Use an external OSDP reader."
)
@click.option(
    "--protocol", type=_choice(ReaderProtocol), help="Act as this reader for a door controller."
)
@click.option("--osdp-address", type=click.IntRange(0, 126), help="OSDP address (0 is usual).")
@click.option("--keypress-format", type=_choice(KeypressFormat), help="How PINs are sent.")
@click.option(
    "--keypress-facility-code", type=click.IntRange(0, 65535), help="Facility code sent with PINs."
)
@click.option("--output-format", type=_choice(OutputFormat), help="How card data is sent.")
@click.option(
    "--facility-code-mode", type=_choice(FacilityCodeMode), help="Facility code override."
)
@click.option(
    "--facility-code", type=click.IntRange(0, 65535), help="Facility code for the override."
)
@click.option("--pin-length", type=click.IntRange(0, 32), help="Digits in a PIN; 0: no PIN needed.")
@click.option("--pin-timeout", type=click.IntRange(3, 50), help="Seconds to wait for a PIN.")
@click.option(
    "--door-open-time", type=click.IntRange(1, 60), help="Seconds relay 1 opens the door."
)
@click.option("--entry-list/--no-entry-list", default=None, help="Decide with the entry list.")
@pass_connection
def settings_set(conn: Connection, /, **options: Any) -> None:
    """Change some reader settings; those not given stay as they are.

    \b
    Examples:
      axisctl reader settings set --door-open-time 7 --pin-length 4 --pin-timeout 10
      axisctl reader settings set --protocol Wiegand --output-format Wiegand26
      axisctl reader settings set --external-reader --protocol None
    """
    names = {"pin_timeout": "pin_timeout_s", "door_open_time": "door_open_time_s"}
    changes = {names.get(k, k): v for k, v in options.items() if v is not None}
    if not changes:
        raise click.UsageError("nothing to change: give at least one setting")
    with conn.device() as device:
        stored = device.access.update_reader_settings(**changes)
    console.print("Settings saved", highlight=False)
    _print_settings(stored)


# --- entry list -----------------------------------------------------------------------------


def _card_text(card: CardData | None) -> str:
    if card is None:
        return ""
    try:
        fields = decode_wiegand(card)
    except InvalidCardError:
        return f"{card.hex} ({card.bit_count} bits)"
    return f"{card.hex} ({fields.format.value} FC {fields.facility} #{fields.number})"


def _time_text(value: dt.datetime | None, default: str) -> str:
    return default if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def holder_json(holder: CredentialHolder) -> dict[str, Any]:
    """A holder for scripts; the PIN only as ``****``."""
    return {
        "token": holder.token,
        "firstName": holder.first_name,
        "lastName": holder.last_name,
        "credential": holder.credential_type,
        "card": None
        if holder.card is None
        else {"hex": holder.card.hex, "bitCount": holder.card.bit_count, "bits": holder.card.bits},
        "pin": MASK if holder.pin is not None else None,
        "validFrom": holder.valid_from.isoformat() if holder.valid_from else None,
        "validTo": holder.valid_to.isoformat() if holder.valid_to else None,
        "remainingUses": holder.remaining_uses,
        "suspended": holder.suspended,
        "notes": holder.notes,
    }


def _print_holders(holders: list[CredentialHolder]) -> None:
    rows = [
        (
            holder.name,
            _card_text(holder.card),
            MASK if holder.pin is not None else "",
            _time_text(holder.valid_from, "now"),
            _time_text(holder.valid_to, "no end date"),
            "" if holder.remaining_uses is None else holder.remaining_uses,
            "suspended" if holder.suspended else "active",
        )
        for holder in holders
    ]
    # Tokens are long and only scripts need them: --json has them.
    columns = ("holder", "card", "PIN", "valid from", "valid to", "uses left", "status")
    print_table(None, columns, rows)


@reader.group("entry-list")
def entry_list() -> None:
    """Credential holders the intercom lets in by itself (card, PIN or both)."""


@entry_list.command("show")
@json_option
@pass_connection
def entry_list_show(conn: Connection, as_json: bool) -> None:
    """Every credential holder (PINs are never shown).

    \b
    Examples:
      axisctl reader entry-list show
      axisctl reader entry-list show --json
    """
    with conn.device() as device:
        holders = device.access.entries()
    if as_json:
        print_json([holder_json(holder) for holder in holders])
    elif not holders:
        console.print("The entry list is empty.", highlight=False)
    else:
        _print_holders(holders)


def _when(text: str | None, option: str) -> dt.datetime | None:
    """ISO 8601 date or date and time; without a zone it is this machine's local time."""
    if text is None:
        return None
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith("Z") else raw)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date or date and time like 2025-12-31T17:00", param_hint=option
        ) from None
    return value if value.tzinfo is not None else value.astimezone()


def _card(
    bits: str | None, uid: str | None, bit_count: int | None, wiegand: str | None,
    facility: int | None, number: int | None,
) -> CardData | None:  # fmt: skip
    given = [
        name for name, v in (("--card-bits", bits), ("--card", uid), ("--wiegand", wiegand)) if v
    ]
    if len(given) > 1:
        raise click.UsageError(f"give one card: {' or '.join(given)}")
    if bits:
        return CardData.from_bits(bits)
    if uid:
        if bit_count is None:
            raise click.UsageError("--card needs --bit-count (the card's bit length)")
        return CardData.from_hex(uid, bit_count)
    if wiegand:
        if number is None:
            raise click.UsageError("--wiegand needs --number (and --facility where it has one)")
        return CardData.wiegand(wiegand, facility or 0, number)
    if number is not None or facility is not None or bit_count is not None:
        raise click.UsageError("--number, --facility and --bit-count go with a card option")
    return None


def _pin() -> str:
    from_env = os.environ.get(PIN_ENV)
    if from_env is not None:
        return check_pin(from_env.strip())
    if not sys.stdin.isatty():
        raise click.UsageError(f"no PIN: set {PIN_ENV} or run in a terminal to be asked")
    entered: str = click.prompt("PIN", hide_input=True, confirmation_prompt=True)
    return check_pin(entered.strip())


@entry_list.command("add")
@click.argument("first_name")
@click.argument("last_name", default="")
@click.option("--card-bits", metavar="BITS", help="The card as Wiegand bits, e.g. 1000...1011.")
@click.option("--card", "uid", metavar="HEX", help="The card's UID in hex (with --bit-count).")
@click.option("--bit-count", type=click.IntRange(1, 512), help="The card's bit length.")
@click.option(
    "--wiegand", type=_choice(WiegandFormat), help="Card format, with --facility/--number."
)
@click.option("--facility", type=click.IntRange(min=0), help="Facility code of a Wiegand card.")
@click.option("--number", type=click.IntRange(min=0), help="Card number of a Wiegand card.")
@click.option("--pin", "with_pin", is_flag=True, help=f"Give a PIN: from ${PIN_ENV}, or asked for.")
@click.option("--valid-from", metavar="WHEN", help="Start, e.g. 2025-06-01T08:00 (default: now).")
@click.option("--valid-to", metavar="WHEN", help="End date and time (default: no end date).")
@click.option("--uses", type=click.IntRange(1, 1_000_000), help="Number of times it may be used.")
@click.option("--suspended", is_flag=True, help="Add it suspended (temporarily invalid).")
@click.option("--notes", default="", help="Free text kept with the holder.")
@json_option
@pass_connection
def entry_list_add(
    conn: Connection, first_name: str, last_name: str, card_bits: str | None, uid: str | None,
    bit_count: int | None, wiegand: str | None, facility: int | None, number: int | None,
    with_pin: bool, valid_from: str | None, valid_to: str | None, uses: int | None,
    suspended: bool, notes: str, as_json: bool,
) -> None:  # fmt: skip
    """Add a credential holder with a card, a PIN or both (then the card comes first).

    \b
    Examples:
      axisctl reader entry-list add Gordon Freeman --wiegand Wiegand26 --facility 0 --number 10213
      axisctl reader entry-list add Alyx --card 02004fcb --bit-count 26 --uses 10
      AXISCTL_READER_PIN=1234 axisctl reader entry-list add Barney --pin --valid-to 2025-12-31
    """
    holder = CredentialHolder(
        first_name=first_name,
        last_name=last_name,
        card=_card(card_bits, uid, bit_count, wiegand, facility, number),
        pin=_pin() if with_pin else None,
        valid_from=_when(valid_from, "--valid-from"),
        valid_to=_when(valid_to, "--valid-to"),
        remaining_uses=uses,
        suspended=suspended,
        notes=notes,
    )
    holder.validate()
    with conn.device() as device:
        added = device.access.add_entry(holder)
    if as_json:
        print_json(holder_json(added))
    else:
        console.print(f"Added {added.name} ({added.credential_type})", highlight=False)


@entry_list.command("remove")
@click.argument("holders", nargs=-1, required=True, metavar="NAME_OR_TOKEN...")
@pass_connection
def entry_list_remove(conn: Connection, holders: tuple[str, ...]) -> None:
    """Remove credential holders by first name, full name or token: all of them or none.

    \b
    Examples:
      axisctl reader entry-list remove Gordon
      axisctl reader entry-list remove "Gordon Freeman" Alyx
    """
    with conn.device() as device:
        entries = device.access.entries()
        tokens = [_token_of(wanted, entries) for wanted in holders]
        device.access.remove_entries(tokens)
    console.print(f"Removed {len(set(tokens))} credential holder(s)", highlight=False)


def _token_of(wanted: str, entries: list[CredentialHolder]) -> str:
    key = wanted.strip().casefold()
    for holder in entries:
        if wanted == holder.token or key in (
            holder.first_name.strip().casefold(),
            holder.name.casefold(),
        ):
            return holder.token
    raise click.UsageError(f"no credential holder is named {wanted!r}")
