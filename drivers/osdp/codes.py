"""OSDP code points: command and reply codes, and the enumerations inside payloads.

Values from SIA OSDP 2.2 as implemented by libosdp 3.2.9 (``include/osdp.h``,
``src/osdp_common.h``); see docs/readers-osdp-protocol.md for what each one means.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "CapabilityFunction",
    "CardFormat",
    "Command",
    "KeyType",
    "LedColor",
    "NakReason",
    "OutputControl",
    "PermanentLedControl",
    "ReaderState",
    "Reply",
    "SecurityBlockType",
    "TemporaryLedControl",
    "TextControl",
    "ToneCode",
]


class Command(IntEnum):
    """Command codes, control panel (CP) to peripheral device (PD)."""

    POLL = 0x60
    ID = 0x61
    CAP = 0x62
    LSTAT = 0x64
    ISTAT = 0x65
    OSTAT = 0x66
    RSTAT = 0x67
    OUT = 0x68
    LED = 0x69
    BUZ = 0x6A
    TEXT = 0x6B
    RMODE = 0x6C
    TDSET = 0x6D
    COMSET = 0x6E
    DATA = 0x6F
    PROMPT = 0x71
    BIOREAD = 0x73
    BIOMATCH = 0x74
    KEYSET = 0x75
    CHLNG = 0x76
    SCRYPT = 0x77
    ACURXSIZE = 0x7B
    FILETRANSFER = 0x7C
    MFG = 0x80
    XWR = 0xA1
    ABORT = 0xA2
    PIVDATA = 0xA3
    GENAUTH = 0xA4
    CRAUTH = 0xA5
    KEEPACTIVE = 0xA7


class Reply(IntEnum):
    """Reply codes, peripheral device (PD) to control panel (CP)."""

    ACK = 0x40
    NAK = 0x41
    PDID = 0x45
    PDCAP = 0x46
    LSTATR = 0x48
    ISTATR = 0x49
    OSTATR = 0x4A
    RSTATR = 0x4B
    RAW = 0x50
    FMT = 0x51
    KEYPAD = 0x53
    COM = 0x54
    BIOREADR = 0x57
    BIOMATCHR = 0x58
    CCRYPT = 0x76
    RMAC_I = 0x78
    BUSY = 0x79
    FTSTAT = 0x7A
    PIVDATAR = 0x80
    GENAUTHR = 0x81
    CRAUTHR = 0x82
    MFGSTATR = 0x83
    MFGERRR = 0x84
    MFGREP = 0x90
    XRD = 0xB1


class NakReason(IntEnum):
    """The error code of a NAK reply."""

    NONE = 0
    #: Bad checksum or CRC.
    CHECK_CHARACTER = 1
    #: Wrong command length (libosdp also uses it for any payload it cannot decode).
    COMMAND_LENGTH = 2
    #: Command not implemented or not in the PD's capabilities.
    UNKNOWN_COMMAND = 3
    #: Unexpected sequence number.
    SEQUENCE = 4
    #: Secure channel not supported (libosdp also: the server cryptogram did not verify).
    SECURE_CHANNEL_UNSUPPORTED = 5
    #: Security block or condition not met: bad MAC, plaintext while secure, ...
    SECURITY_CONDITION = 6
    BIO_TYPE_UNSUPPORTED = 7
    BIO_FORMAT_UNSUPPORTED = 8
    #: The command was understood but could not be processed.
    UNABLE_TO_PROCESS = 9


class SecurityBlockType(IntEnum):
    """Security control block types (SCS_xx)."""

    #: CHLNG, CP to PD: data byte 1 = use the SCBK, 0 = use the default key SCBK-D.
    SCS_11 = 0x11
    #: CCRYPT, PD to CP, echoes the key selector.
    SCS_12 = 0x12
    #: SCRYPT, CP to PD, echoes the key selector.
    SCS_13 = 0x13
    #: RMAC_I, PD to CP: data byte 1 = handshake accepted.
    SCS_14 = 0x14
    #: Command with MAC, no data encrypted (used when the command has no data).
    SCS_15 = 0x15
    #: Reply with MAC, no data encrypted.
    SCS_16 = 0x16
    #: Command with MAC and encrypted data.
    SCS_17 = 0x17
    #: Reply with MAC and encrypted data.
    SCS_18 = 0x18


class LedColor(IntEnum):
    BLACK = 0
    RED = 1
    GREEN = 2
    AMBER = 3
    BLUE = 4
    MAGENTA = 5
    CYAN = 6
    WHITE = 7


class TemporaryLedControl(IntEnum):
    #: Leave the temporary state as it is.
    NOP = 0
    #: Cancel any temporary operation and show the permanent state.
    CANCEL = 1
    #: Set the temporary state and start its timer.
    SET = 2


class PermanentLedControl(IntEnum):
    NOP = 0
    SET = 1


class OutputControl(IntEnum):
    """What an OUT record does with one output."""

    NOP = 0
    #: Permanent off, aborting any timed operation.
    PERMANENT_OFF_ABORT = 1
    #: Permanent on, aborting any timed operation.
    PERMANENT_ON_ABORT = 2
    #: Permanent off once a timed operation has finished.
    PERMANENT_OFF = 3
    #: Permanent on once a timed operation has finished.
    PERMANENT_ON = 4
    #: On for the timer, then back to the permanent state.
    TEMPORARY_ON = 5
    #: Off for the timer, then back to the permanent state.
    TEMPORARY_OFF = 6


class ToneCode(IntEnum):
    NONE = 0
    OFF = 1
    DEFAULT = 2


class TextControl(IntEnum):
    PERMANENT = 1
    PERMANENT_WRAP = 2
    TEMPORARY = 3
    TEMPORARY_WRAP = 4


class CardFormat(IntEnum):
    """The format byte of RAW card data."""

    UNSPECIFIED = 0
    WIEGAND = 1


class ReaderState(IntEnum):
    """One byte of RSTATR per reader."""

    NORMAL = 0
    NOT_CONNECTED = 1
    TAMPER = 2


class KeyType(IntEnum):
    """The key type byte of KEYSET."""

    SCBK = 1


class CapabilityFunction(IntEnum):
    """PDCAP function codes."""

    CONTACT_STATUS = 1
    OUTPUT_CONTROL = 2
    CARD_DATA_FORMAT = 3
    READER_LED_CONTROL = 4
    READER_AUDIBLE_OUTPUT = 5
    READER_TEXT_OUTPUT = 6
    TIME_KEEPING = 7
    CHECK_CHARACTER = 8
    COMMUNICATION_SECURITY = 9
    RECEIVE_BUFFER_SIZE = 10
    LARGEST_COMBINED_MESSAGE = 11
    SMART_CARD = 12
    READERS = 13
    BIOMETRICS = 14
    SECURE_PIN_ENTRY = 15
    OSDP_VERSION = 16
