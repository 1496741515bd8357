"""``axisctl lpr listen`` as a real process: pushes in, lines out, a summary at the end."""

from __future__ import annotations

import base64
import json
import re
import signal
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]
Environ = Callable[[dict[str, str] | None], dict[str, str]]

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"


def doc(packet: int, **extra: Any) -> dict[str, Any]:
    return {
        "carID": "54950",
        "carState": "update",
        "capture_timestamp": "1702297625507",
        "plateUnicode": "TÖLSL123",
        "plateCountry": "DEU",
        "carMoveDirection": "out",
        "plateConfidence": "0.737210",
        "plateList": "Block list",
        "plateListMode": "block",
        "plateListDescription": "car_test_1",
        "packetCounter": str(packet),
        **extra,
    }


class Listener:
    """A running ``axisctl lpr listen`` and where it said it listens."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        assert process.stderr is not None
        first = process.stderr.readline()
        match = re.match(r"listening on (\S+)(?: and tcp://([\d.]+):(\d+))?", first)
        if match is None:
            process.kill()
            rest = process.communicate(timeout=10)[1]
            raise AssertionError(f"no listening line: {first!r} {rest!r}")
        self.url = match.group(1)
        self.tcp = (match.group(2), int(match.group(3))) if match.group(2) else None

    def finish(self, timeout: float = 20) -> tuple[str, str]:
        stdout, stderr = self.process.communicate(timeout=timeout)
        return stdout, stderr


@pytest.fixture
def listen(axisctl_command: list[str], cli_environ: Environ) -> Iterator[Callable[..., Listener]]:
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Listener:
        process = subprocess.Popen(
            [*axisctl_command, "lpr", "listen", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=cli_environ(env),
        )
        processes.append(process)
        return Listener(process)

    yield start
    for process in processes:
        process.kill()
        process.communicate(timeout=10)


def test_json_lines_until_count_then_a_summary(listen: Callable[..., Listener]) -> None:
    listener = listen("--json", "--count", "2")
    assert httpx.post(listener.url, json=doc(1)).status_code == 200
    assert httpx.post(listener.url, json=doc(1)).text.startswith("duplicate")
    malformed = httpx.post(listener.url, content=b"{", headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400
    assert httpx.post(listener.url, json=doc(2)).status_code == 200
    stdout, stderr = listener.finish()
    assert listener.process.returncode == 0, stderr
    reads = [json.loads(line) for line in stdout.splitlines()]
    assert [read["packet_counter"] for read in reads] == [1, 2]
    first = reads[0]
    assert first["text"] == "TÖLSL123"
    assert first["car_state"] == "update"
    assert first["direction"] == "out"
    assert first["captured_at"] == "2023-12-11T12:27:05.507000Z"
    assert first["list"] == {"name": "Block list", "mode": "block", "description": "car_test_1"}
    assert first["duplicate"] is False
    assert "refused, 400: bad push: the body is not valid JSON" in stderr
    assert "2 accepted, 1 duplicate, 1 rejected (1 malformed)" in stderr


def test_readable_lines_and_duplicates_when_asked(listen: Callable[..., Listener]) -> None:
    listener = listen("--count", "3", "--duplicates")
    for packet in (1, 1, 2):
        httpx.post(listener.url, json=doc(packet))
    stdout, stderr = listener.finish()
    assert listener.process.returncode == 0, stderr
    lines = stdout.splitlines()
    assert len(lines) == 3
    assert "TÖLSL123" in lines[0]
    assert "update" in lines[0]
    assert "out" in lines[0]
    assert "car 54950" in lines[0]
    assert "#1" in lines[0]
    assert "Block list (block) car_test_1" in lines[0]
    assert lines[1].endswith("(duplicate)")
    assert not lines[2].endswith("(duplicate)")


def test_ctrl_c_prints_the_summary_and_exits_130(listen: Callable[..., Listener]) -> None:
    listener = listen("--json")
    httpx.post(listener.url, json=doc(1))
    assert listener.process.stdout is not None
    assert json.loads(listener.process.stdout.readline())["packet_counter"] == 1
    listener.process.send_signal(signal.SIGINT)
    _, stderr = listener.finish()
    assert listener.process.returncode == 130
    assert "1 accepted, 0 duplicates, 0 rejected" in stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr


def test_digest_user_with_the_password_from_the_environment(
    listen: Callable[..., Listener],
) -> None:
    env = {"AXISCTL_LPR_PASSWORD": "s3cret"}
    listener = listen("--user", "camera", "--auth-type", "digest", "--count", "1", env=env)
    basic = httpx.post(listener.url, json=doc(1), auth=httpx.BasicAuth("camera", "s3cret"))
    assert basic.status_code == 401
    digest = httpx.post(listener.url, json=doc(2), auth=httpx.DigestAuth("camera", "s3cret"))
    assert digest.status_code == 200
    stdout, stderr = listener.finish()
    assert listener.process.returncode == 0
    assert "#2" in stdout
    assert "1 rejected (1 unauthorized)" in stderr
    assert "s3cret" not in stderr + stdout


def test_the_auth_key_comes_from_the_named_variable(listen: Callable[..., Listener]) -> None:
    listener = listen("--auth-key-env", "LPR_KEY", "--count", "1", env={"LPR_KEY": "k-123"})
    assert httpx.post(listener.url, json=doc(1)).status_code == 401
    answer = httpx.post(listener.url, json=doc(2), headers={"X-Auth-Key": "k-123"})
    assert answer.status_code == 200
    _, stderr = listener.finish()
    assert "k-123" not in stderr


def test_images_are_saved_and_named_in_the_json(
    listen: Callable[..., Listener], tmp_path: Path
) -> None:
    folder = tmp_path / "plates"
    listener = listen("--images", str(folder), "--json", "--count", "1")
    encoded = base64.b64encode(JPEG).decode()
    image = {"ImageType": "plate", "ImageFormat": "jpg", "BinaryImage": encoded}
    httpx.post(listener.url, json=doc(5, ImageArray=[image]))
    stdout, _ = listener.finish()
    (read,) = [json.loads(line) for line in stdout.splitlines()]
    saved = folder / "54950_5_plate.jpg"
    assert read["image_paths"] == [str(saved)]
    assert read["images"] == [{"kind": "plate", "format": "jpeg", "size": len(JPEG)}]
    assert saved.read_bytes() == JPEG


def test_tcp_pushes_too(listen: Callable[..., Listener]) -> None:
    listener = listen("--tcp-port", "0", "--json", "--count", "1")
    assert listener.tcp is not None
    with socket.create_connection(listener.tcp, timeout=5) as connection:
        connection.sendall(json.dumps(doc(9), ensure_ascii=False).encode() + b"\n")
    stdout, _ = listener.finish()
    assert json.loads(stdout)["packet_counter"] == 9


def test_max_body_takes_a_size_with_a_unit(listen: Callable[..., Listener]) -> None:
    listener = listen("--max-body", "1K", "--count", "1")
    big = doc(1, padding="x" * 2000)
    answer = httpx.post(listener.url, json=big)
    assert answer.status_code == 413
    assert "larger than 1024 bytes" in answer.text
    httpx.post(listener.url, json=doc(2))
    assert listener.finish()[0].count("\n") == 1


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--user", "camera"], {}, "AXISCTL_LPR_PASSWORD"),
        (["--auth-key-env", "NOT_SET_ANYWHERE"], {}, "$NOT_SET_ANYWHERE is not set"),
        (["--max-body", "lots"], {}, "not a size"),
        (["--path", "nope"], {}, "must start with '/'"),
    ],
)
def test_bad_options_are_usage_errors(
    axisctl_cli: Run, args: list[str], env: dict[str, str], words: str
) -> None:
    result = axisctl_cli("lpr", "listen", "--port", "0", *args, env=env)
    assert result.returncode == 2
    assert words in result.stderr


def test_a_busy_port_is_a_one_line_error(axisctl_cli: Run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = axisctl_cli("lpr", "listen", "--port", str(port))
    assert result.returncode == 1
    assert "address already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_teaches_with_examples(axisctl_cli: Run) -> None:
    result = axisctl_cli("lpr", "listen", "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout
    assert "axisctl lpr listen --host 0.0.0.0 --port 8080" in result.stdout
    assert "AXISCTL_LPR_PASSWORD" in result.stdout
