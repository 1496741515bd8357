"""Strobe speaker set-up: the two scenario profiles, maintenance off, MQTT towards the bench.

The scenarios need two light-only profiles (no siren: a rig stays quiet):

- :data:`STEADY` (``hil-steady``): a steady green light at priority 3, the low one, which a
  light sensor sees as a line that stays active;
- :data:`FLASHING` (``hil-flashing``): a blinking red light at priority 7, the high one,
  which interrupts the steady one and makes the sensor's line toggle.

A profile's fields are the API's (``addProfile``): a light ``pattern`` from the device's
list, ``speed``, ``colors``, ``intensity``, ``duration`` (left out: continuous) and a
``priority`` of 1-10; the siren is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from axisctl.apis.mqtt import BrokerServer, ClientConfig, MqttSubscription
from axisctl.apis.sirenlight import LightSettings, Profile
from axisctl.device import Device
from axisctl.hil.setup_common import Undo, wait_until

__all__ = [
    "FLASHING",
    "MAINTENANCE_PRIORITY",
    "MQTT_CLIENT_ID",
    "STEADY",
    "configure_strobe_mqtt",
    "has_settings",
    "prepare_strobe",
]

STEADY = Profile(
    "hil-steady",
    description="axisctl HIL: low priority, steady",
    light=LightSettings("Steady", colors=("green",), priority=3),
)
FLASHING = Profile(
    "hil-flashing",
    description="axisctl HIL: high priority, flashing",
    light=LightSettings("Blink", colors=("red",), priority=7),
)
#: The priority of maintenance mode's activity in the status list.
MAINTENANCE_PRIORITY = 11
MQTT_CLIENT_ID = "axisctl-hil-strobe"

_Restore = Callable[[], object]


def prepare_strobe(strobe: Device, profiles: Iterable[Profile] = (STEADY, FLASHING)) -> Undo:
    """Maintenance off, ``profiles`` stored and none of them playing.

    A stored profile of the same name that already has every light and siren setting given
    here is kept as it is (a device fills in the settings left out), so that rules an
    operator set up on it stay valid; another one is replaced, and put back by the undo.
    Maintenance mode, if it was on, is turned on again by the undo (without its remaining
    time).
    """
    api = strobe.siren_light
    undo = Undo(f"strobe set-up of {strobe.url}")
    status = api.status()
    priorities = [a.priority for a in status.lights] + [a.priority for a in status.sirens]
    if MAINTENANCE_PRIORITY in priorities:
        api.set_maintenance(False)
        undo.add("maintenance mode", lambda: api.set_maintenance(True))
    stored = {profile.name: profile for profile in api.profiles()}
    wanted = list(profiles)
    for profile in wanted:
        old = stored.get(profile.name)
        if old is not None and has_settings(old, profile):
            continue
        if old is not None:
            api.remove_profile(profile.name)
        api.add_profile(profile)
        undo.add(f"profile {profile.name}", _profile_restorer(strobe, profile.name, old))
    playing = {profile.name for profile in wanted} & status.profiles()
    for name in sorted(playing):
        api.stop(name)
    return undo


def has_settings(stored: Profile, wanted: Profile) -> bool:
    """Whether ``stored`` has the light and siren ``wanted`` gives (settings ``wanted`` leaves
    out may be anything)."""
    for mine, theirs in ((wanted.light, stored.light), (wanted.siren, stored.siren)):
        if (mine is None) != (theirs is None):
            return False
        if mine is None or theirs is None:
            continue
        for name, value in vars(mine).items():
            if value is not None and getattr(theirs, name) != value:
                return False
    return True


def _profile_restorer(strobe: Device, name: str, old: Profile | None) -> _Restore:
    def restore() -> None:
        strobe.siren_light.remove_profile(name)
        if old is not None:
            strobe.siren_light.add_profile(old, validate=False)

    return restore


def configure_strobe_mqtt(
    strobe: Device,
    broker: tuple[str, int],
    topic: str,
    *,
    client_id: str = MQTT_CLIENT_ID,
    timeout: float = 10.0,
) -> Undo:
    """The strobe's MQTT client on ``broker`` with a **stateful** subscription to ``topic``.

    Waits until the client says it is connected. The device subscribes right after it
    connects, so publish the state *retained*: a message sent before the subscription is in
    place still reaches it. Other subscriptions are kept; the undo puts back the client's
    configuration (its password stays as it is), whether it was on, and the subscriptions.
    """
    mqtt = strobe.mqtt
    undo = Undo(f"MQTT set-up of {strobe.url}")
    before = mqtt.status()
    subscriptions = mqtt.subscriptions()
    host, port = broker
    mqtt.configure_client(ClientConfig(BrokerServer(host, port=port), client_id=client_id))
    undo.add("MQTT client", lambda: _restore_client(strobe, before.config, before.active))
    kept = [s for s in subscriptions if s.topic_filter != topic]
    mqtt.configure_subscriptions([*kept, MqttSubscription(topic, stateful=True, qos=1)])
    undo.add("MQTT subscriptions", lambda: mqtt.configure_subscriptions(subscriptions))
    mqtt.activate()
    wait_until(
        lambda: mqtt.status().connected,
        timeout=timeout,
        what=f"the MQTT client of {strobe.url} connecting to {host}:{port}",
    )
    return undo


def _restore_client(strobe: Device, config: ClientConfig, active: bool) -> None:
    if config.server.host:
        strobe.mqtt.configure_client(config, validate=False)
    if active:
        strobe.mqtt.activate()
    else:
        strobe.mqtt.deactivate()
