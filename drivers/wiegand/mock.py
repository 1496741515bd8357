"""Wire gpiozero mock pins together, so that a transmitter drives a receiver without a Pi.

gpiozero's ``MockConnectedPin`` is an output that drives another mock pin, which must be an
input. :func:`connect_mock_lines` creates the receiver's input pins and the transmitter's
output pins wired to them; the devices made afterwards on those pin numbers reuse them::

    factory = MockFactory()
    connect_mock_lines(factory, outputs=(22, 23), inputs=(17, 27))
    rx = WiegandReceiver(17, 27, pin_factory=factory)
    tx = WiegandTransmitter(22, 23, pin_factory=factory)
    tx.send(encode(WiegandFormat.H10301, facility=1, card=2))

Mock pins call edge callbacks synchronously in the thread that changes the output; the
receiver queues edges and ends frames on its own thread, so this behaves like real pins.
"""

from __future__ import annotations

from typing import Any

from axisctl.errors import ConfigurationError

__all__ = ["connect_mock_lines"]


def connect_mock_lines(
    factory: Any, *, outputs: tuple[int | str, int | str], inputs: tuple[int | str, int | str]
) -> None:
    """Wire mock output pins ``outputs`` (D0, D1) to mock input pins ``inputs`` (D0, D1).

    Call it before any device claims the output pins: gpiozero hands out an existing pin
    object unchanged, so a pin already made would silently stay unwired.
    """
    from gpiozero.pins.mock import MockConnectedPin

    for output, input_ in zip(outputs, inputs, strict=True):
        input_pin = factory.pin(input_)
        output_pin = factory.pin(output, pin_class=MockConnectedPin, input_pin=input_pin)
        if not isinstance(output_pin, MockConnectedPin) or output_pin.input_pin is not input_pin:
            raise ConfigurationError(
                f"mock pin {output} already exists unwired; connect lines before making devices"
            )
