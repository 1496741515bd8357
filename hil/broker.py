"""An MQTT broker on loopback for the virtual rig and the tests: mosquitto, or amqtt.

    broker = MqttBroker(workdir)      # mosquitto where installed, else amqtt
    broker.start()                    # returns once the port accepts connections
    host, port = broker.address.host, broker.address.port
    broker.stop()

mosquitto is found on ``PATH`` or at ``/usr/sbin/mosquitto`` (Debian's package installs it
there, outside a normal user's ``PATH``); amqtt is the pure-Python broker of the ``dev``
extra. ``AXISCTL_TEST_BROKER=amqtt`` (or ``kind="amqtt"``) forces the fallback.
:func:`available_broker` says which one would run, or why none can.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import importlib.util
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from axisctl.errors import ConfigurationError

__all__ = ["MOSQUITTO", "BrokerAddress", "MqttBroker", "available_broker", "free_port"]

#: The mosquitto executable, if installed.
MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None
)
#: Seconds a broker has to start listening.
START_TIMEOUT = 10.0


@dataclass(frozen=True)
class BrokerAddress:
    """Where a broker listens, and which broker it is (``mosquitto`` or ``amqtt``)."""

    host: str
    port: int
    kind: str


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


#: The brokers :class:`MqttBroker` can start.
BROKER_KINDS = ("mosquitto", "amqtt")


def available_broker() -> tuple[str | None, str]:
    """``(kind, "")`` for the broker :class:`MqttBroker` would start, or ``(None, why)``."""
    forced = os.environ.get("AXISCTL_TEST_BROKER")
    default = "mosquitto" if MOSQUITTO else "amqtt"
    if forced and forced not in BROKER_KINDS:
        return None, f"AXISCTL_TEST_BROKER must be one of {', '.join(BROKER_KINDS)}, got {forced!r}"
    kind = forced or default
    if kind == "mosquitto" and MOSQUITTO is None:
        return None, "mosquitto is not installed (apt-get install mosquitto)"
    if kind == "amqtt" and importlib.util.find_spec("amqtt") is None:
        return None, "no MQTT broker: install mosquitto (apt-get install mosquitto) or amqtt"
    return kind, ""


def _sha512_password_line(user: str, password: str) -> str:
    # mosquitto's "$6$" format: base64 salt, base64 sha512(password + salt).
    salt = os.urandom(12)
    digest = hashlib.sha512(password.encode() + salt).digest()
    return f"{user}:$6${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}\n"


class MqttBroker:
    """A broker on 127.0.0.1 that may be stopped and started again on the same port.

    ``users`` (mosquitto only) turns anonymous access off and allows those accounts;
    ``websockets`` (amqtt only: Debian's mosquitto lacks it) serves MQTT over WebSocket.
    ``workdir`` holds mosquitto's configuration and log. Raises ``ConfigurationError``
    when the combination asked for cannot run here.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        users: dict[str, str] | None = None,
        kind: str | None = None,
        websockets: bool = False,
        port: int | None = None,
    ) -> None:
        forced = os.environ.get("AXISCTL_TEST_BROKER")
        self.kind = kind or forced or ("mosquitto" if MOSQUITTO else "amqtt")
        if self.kind not in BROKER_KINDS:
            where = "kind" if kind else "AXISCTL_TEST_BROKER"
            raise ConfigurationError(
                f"{where} must be one of {', '.join(BROKER_KINDS)}, got {self.kind!r}"
            )
        self.websockets = websockets
        if websockets:
            self.kind = "amqtt"
        if users and self.kind != "mosquitto":
            raise ConfigurationError("broker accounts need mosquitto")
        if self.kind == "mosquitto" and MOSQUITTO is None:
            raise ConfigurationError("mosquitto is not installed")
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.users = users or {}
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._stop_amqtt: Callable[[], None] | None = None

    def __repr__(self) -> str:
        return f"<MqttBroker {self.kind} 127.0.0.1:{self.port}>"

    @property
    def address(self) -> BrokerAddress:
        return BrokerAddress("127.0.0.1", self.port, self.kind)

    @property
    def running(self) -> bool:
        return self._process is not None or self._thread is not None

    def start(self) -> None:
        """Start it and wait until the port accepts connections.

        Raises :class:`ConfigurationError` when the port is taken or the broker exits or
        never listens (mosquitto's log is in ``workdir``).
        """
        # Whatever listens there already would answer the readiness probe below in the
        # broker's place, and the broker itself would fail to bind.
        if _accepts(self.port):
            raise ConfigurationError(
                f"cannot start the {self.kind} broker: something already listens on "
                f"127.0.0.1:{self.port}"
            )
        if self.kind == "mosquitto":
            self._start_mosquitto()
        else:
            self._start_amqtt()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            process = self._process
            if process is not None and process.poll() is not None:
                self._process = None
                raise ConfigurationError(
                    f"mosquitto exited (status {process.returncode}) before listening on port "
                    f"{self.port}; its log: {self.workdir / 'mosquitto.log'}"
                )
            if _accepts(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise ConfigurationError(f"the {self.kind} broker did not listen on port {self.port}")

    def _start_mosquitto(self) -> None:
        assert MOSQUITTO is not None, "mosquitto is not installed"
        lines = [f"listener {self.port} 127.0.0.1", "persistence false"]
        if os.geteuid() == 0:
            # As root mosquitto drops to user "mosquitto", who cannot read a private workdir.
            lines.append("user root")
        if self.users:
            password_file = self.workdir / "passwords"
            password_file.write_text(
                "".join(_sha512_password_line(u, p) for u, p in self.users.items())
            )
            password_file.chmod(0o600)
            lines += ["allow_anonymous false", f"password_file {password_file}"]
        else:
            lines.append("allow_anonymous true")
        config = self.workdir / "mosquitto.conf"
        config.write_text("\n".join(lines) + "\n")
        with open(self.workdir / "mosquitto.log", "ab") as log:
            self._process = subprocess.Popen(  # noqa: S603 - mosquitto with our own config
                [MOSQUITTO, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
            )

    def _start_amqtt(self) -> None:
        from amqtt.broker import Broker  # type: ignore[import-untyped,unused-ignore]

        config = {
            "listeners": {
                "default": {
                    "type": "ws" if self.websockets else "tcp",
                    "bind": f"127.0.0.1:{self.port}",
                }
            },
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}
            },
        }
        # amqtt's listening socket lingers a moment after a shutdown: retry the bind.
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            ready = threading.Event()
            failed: list[BaseException] = []

            async def serve(ready: threading.Event, failed: list[BaseException]) -> None:
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()

                def request_stop() -> None:
                    loop.call_soon_threadsafe(stop.set)

                self._stop_amqtt = request_stop
                broker = Broker(config)
                try:
                    await broker.start()
                except Exception as exc:
                    failed.append(exc)
                    ready.set()
                    return
                ready.set()
                await stop.wait()
                # amqtt's shutdown leaves client connections open, so clients would never
                # notice the broker going away: close them first (private attributes).
                for _session, handler in list(getattr(broker, "_sessions", {}).values()):
                    writer = getattr(handler, "writer", None)
                    if writer is not None:
                        with contextlib.suppress(Exception):
                            await writer.close()
                await broker.shutdown()

            self._thread = threading.Thread(
                target=asyncio.run, args=(serve(ready, failed),), name="amqtt", daemon=True
            )
            self._thread.start()
            ready.wait(START_TIMEOUT)
            if not failed:
                return
            self._thread.join(10)
            self._thread = None
            if time.monotonic() > deadline:
                raise failed[0]
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the broker (idempotent): clients lose their connections."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
            self._process = None
        if self._thread is not None:
            if self._stop_amqtt is not None:
                self._stop_amqtt()
            self._thread.join(10)
            self._thread = None
