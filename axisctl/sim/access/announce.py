"""The simulated intercom's access events on the device bus, in the event stream's wire form.

Topics and data are those of :mod:`axisctl.apis.access.events`; all are stateless. A PIN
never goes on the bus.
"""

from __future__ import annotations

from axisctl.apis.access.cards import CardData, WiegandFields
from axisctl.apis.access.entries import CredentialHolder
from axisctl.apis.access.events import (
    TOPIC_ACCESS_GRANTED,
    TOPIC_CARD_READ,
    TOPIC_DENIED,
    TOPIC_DENIED_CARD_NOT_FOUND,
    TOPIC_DENIED_INVALID_PIN,
    TOPIC_DENIED_PIN_NOT_FOUND,
    DenyReason,
)
from axisctl.apis.access.settings import READER_TOKEN
from axisctl.sim.bus import EventBus, SimEvent
from axisctl.sim.clock import SimClock

#: The intercom's one access point: the door behind relay 1.
ACCESS_POINT_TOKEN = "Door"


class Announcer:
    """Publishes card reads and decisions; call under the device lock."""

    def __init__(self, bus: EventBus, clock: SimClock) -> None:
        self.bus = bus
        self.clock = clock

    def _publish(self, topic: str, source: dict[str, str], data: dict[str, str]) -> None:
        self.bus.publish(SimEvent(topic, source, data, self.clock.now(), stateful=False))

    def card_read(self, card: CardData, fields: WiegandFields | None) -> None:
        data = {"Card": card.hex, "BitCount": str(card.bit_count)}
        if fields is not None:
            data["FacilityCode"] = str(fields.facility)
            data["CardNr"] = str(fields.number)
        self._publish(TOPIC_CARD_READ, {"IdPointToken": READER_TOKEN}, data)

    def granted(self, holder: CredentialHolder) -> None:
        self._publish(TOPIC_ACCESS_GRANTED, _source(), _holder_data(holder))

    def denied(
        self,
        reason: DenyReason,
        holder: CredentialHolder | None,
        *,
        card: CardData | None = None,
    ) -> None:
        if holder is None:
            if card is not None:
                data = {"Card": card.hex, "BitCount": str(card.bit_count)}
                self._publish(TOPIC_DENIED_CARD_NOT_FOUND, _source(), data)
            else:
                self._publish(TOPIC_DENIED_PIN_NOT_FOUND, _source(), {})
        elif reason is DenyReason.INVALID_PIN:
            self._publish(TOPIC_DENIED_INVALID_PIN, _source(), _holder_data(holder))
        else:
            self._publish(TOPIC_DENIED, _source(), {**_holder_data(holder), "Reason": reason.value})


def _source() -> dict[str, str]:
    return {"AccessPointToken": ACCESS_POINT_TOKEN}


def _holder_data(holder: CredentialHolder) -> dict[str, str]:
    return {"CredentialToken": holder.token, "CredentialHolderName": holder.name}
