"""Every kind of mistake in a rig file is reported at its line and column, all of them at once."""

from __future__ import annotations

import textwrap

import pytest

from axisctl.hil.rig import RigError, RigProblem, parse_rig

BASE = """\
name: t
safe_state: inactive
devices:
  strobe:
    model: d4200-ve
    url: http://192.0.2.1
    credentials: {user_env: STROBE_USER, password_env: STROBE_PASSWORD}
  door:
    model: intercom
    url: http://192.0.2.2
    credentials: {user_env: DOOR_USER, password_env: DOOR_PASSWORD}
"""


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the n-th occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def problems(text: str | bytes) -> tuple[RigProblem, ...]:
    with pytest.raises(RigError) as caught:
        parse_rig(text, source="rig.yaml")
    error = caught.value
    # The message is the problems, one per line, each "file:line:column: ...".
    assert str(error).splitlines() == [str(problem) for problem in error.problems]
    return error.problems


def only_problem(text: str | bytes) -> RigProblem:
    found = problems(text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def assert_at(problem: RigProblem, text: str, needle: str, occurrence: int = 1) -> None:
    line, column = position(text, needle, occurrence)
    assert (problem.at.source, problem.at.line, problem.at.column) == ("rig.yaml", line, column)


def rig(extra: str) -> str:
    return BASE + textwrap.dedent(extra)


# (case id, rig text, where the problem is (needle, occurrence), fragments of its message)
CASES = [
    (
        "unknown key with a suggestion",
        BASE.replace("    model: d4200-ve", "    modle: d4200-ve"),
        ("modle", 1),
        ["unknown key 'modle' in device 'strobe'", "did you mean 'model'?"],
    ),
    (
        "unknown model with a suggestion",
        BASE.replace("model: d4200-ve", "model: d4200-v"),
        ("d4200-v", 1),
        ["model axisctl does not know", "got 'd4200-v'", "did you mean 'd4200-ve'?"],
    ),
    (
        "wrong type",
        rig(
            """\
            wires:
              w:
                device: strobe
                port: one
                direction: device-to-pi
                via: direct
                bcm: 4
            """
        ),
        ("one", 1),
        ["'port' of wire 'w' is not an integer", "expected an integer 1-2", "got 'one'"],
    ),
    (
        "a boolean where a level is expected",
        rig(
            """\
            sensors:
              s: {kind: light, bcm: 4, device: strobe, watches: light, active: yes}
            """
        ),
        ("yes", 1),
        ["'active' of sensor 's' is not valid", "expected one of high | low", "yes (a boolean)"],
    ),
    (
        "BCM line out of range",
        rig(
            """\
            sensors:
              s: {kind: light, bcm: 28, device: strobe, watches: light, active: high}
            """
        ),
        ("28", 1),
        ["'bcm' of sensor 's' is out of range", "expected 0-27, got 28"],
    ),
    (
        "BCM line used twice",
        rig(
            """\
            wires:
              w:
                device: strobe
                port: 2
                direction: device-to-pi
                via: direct
                bcm: 4
            sensors:
              s: {kind: light, bcm: 4, device: strobe, watches: light, active: high}
            """
        ),
        ("4,", 1),
        ["BCM line 4 is used twice", "already used by w at line"],
    ),
    (
        "wire to a device not declared",
        rig(
            """\
            wires:
              w: {device: stobe, port: 1, direction: device-to-pi, via: direct, bcm: 4}
            """
        ),
        ("stobe", 1),
        ["names a device that is not declared", "one of strobe | door", "did you mean 'strobe'?"],
    ),
    (
        "a port the model does not have",
        rig(
            """\
            wires:
              w: {device: strobe, port: 3, direction: device-to-pi, via: direct, bcm: 4}
            """
        ),
        ("3,", 1),
        ["'port' of wire 'w' is out of range", "expected 1-2, got 3"],
    ),
    (
        "a connector pin the model has no port on",
        rig(
            """\
            wires:
              w: {device: door, pin: "NO/NC", direction: device-to-pi, via: direct, bcm: 4}
            """
        ),
        ('"NO/NC"', 1),
        ["connector pin intercom has no port on", "one of 3 | 4 | 5-6", "got 'NO/NC'"],
    ),
    (
        "driving an output port",
        rig(
            """\
            wires:
              w: {device: door, port: 3, direction: pi-to-device, via: direct, bcm: 4}
            """
        ),
        ("3,", 1),
        ["goes pi-to-device, but port 3 (Relay 1) of intercom is an output"],
    ),
    (
        "an output without a safe state and no default",
        rig(
            """\
            wires:
              w: {device: strobe, port: 1, direction: pi-to-device, via: direct, bcm: 4}
            """
        ).replace("safe_state: inactive\n", ""),
        ("w:", 1),
        ["wire 'w' is a Pi output without a safe state, and the rig has no default"],
    ),
    (
        "a safe state on an input",
        rig(
            """\
            wires:
              w:
                device: strobe
                port: 2
                direction: device-to-pi
                via: direct
                bcm: 4
                safe_state: inactive
            """
        ),
        ("safe_state", 2),
        ["wire 'w' cannot have 'safe_state': the Pi only reads this line"],
    ),
    (
        "a relay channel without a safe state and no default",
        rig(
            """\
            relay_boards:
              hat:
                active: low
                channels: {1: 5}
            """
        ).replace("safe_state: inactive\n", ""),
        ("1: 5", 1),
        ["relay channel hat/1 is a Pi output without a safe state"],
    ),
    (
        "duplicate names across sections",
        rig(
            """\
            sensors:
              strobe: {kind: light, bcm: 4, device: strobe, watches: light, active: high}
            """
        ),
        ("strobe:", 2),
        ["duplicate name 'strobe'", "already used by device 'strobe' at line 4"],
    ),
    (
        "duplicate key",
        BASE.replace("    model: intercom\n", "    model: intercom\n    model: intercom\n"),
        ("model: intercom", 2),
        ["duplicate key 'model' in device 'door'", "first given at line 9"],
    ),
    (
        "a direct wire active high",
        rig(
            """\
            wires:
              w:
                device: strobe
                port: 2
                direction: device-to-pi
                via: direct
                bcm: 4
                active: high
            """
        ),
        ("high", 1),
        ["wire 'w' is direct, so it is active low", "tied to pin 1"],
    ),
    (
        "an optocoupler without an active level",
        rig(
            """\
            wires:
              w: {device: strobe, port: 2, direction: device-to-pi, via: optocoupler, bcm: 4}
            """
        ),
        ("w:", 1),
        ["wire 'w' is missing the key 'active'"],
    ),
    (
        "a relay channel that is not declared",
        rig(
            """\
            relay_boards:
              hat: {active: low, channels: {1: 5}}
            wires:
              w: {device: strobe, port: 1, direction: pi-to-device, via: relay, relay: hat/2}
            """
        ),
        ("hat/2", 1),
        ["names a relay channel that is not declared", "one of hat/1", "got 'hat/2'"],
    ),
    (
        "a relay channel driving two wires",
        rig(
            """\
            relay_boards:
              hat: {active: low, channels: {1: 5}}
            wires:
              a: {device: strobe, port: 1, direction: pi-to-device, via: relay, relay: hat/1}
              b: {device: door, port: 1, direction: pi-to-device, via: relay, relay: hat/1}
            """
        ),
        ("hat/1", 2),
        ["relay channel hat/1 drives two wires", "already used by"],
    ),
    (
        "two wires on one port in one direction",
        rig(
            """\
            wires:
              a: {device: strobe, port: 2, direction: device-to-pi, via: direct, bcm: 4}
              b: {device: strobe, port: 2, direction: device-to-pi, via: direct, bcm: 5}
            """
        ),
        ("2,", 2),
        ["port 2 of 'strobe' has two wires going device-to-pi", "already used by wire 'a'"],
    ),
    (
        "Wiegand on a model without a reader connector",
        rig(
            """\
            wiegand:
              w: {device: strobe, d0: 4, d1: 5, direction: pi-to-device}
            """
        ),
        ("strobe,", 1),
        ["needs a reader connector, and d4200-ve has none", "a device of model intercom"],
    ),
    (
        "a wire on a reader connector line in use",
        rig(
            """\
            wiegand:
              w: {device: door, d0: 4, d1: 5, direction: pi-to-device}
            wires:
              x: {device: door, port: 1, direction: device-to-pi, via: direct, bcm: 6}
            """
        ),
        ("door,", 1),
        [
            "Wiegand link 'w' uses the reader connector of 'door', whose port 1 is wired",
            "already used by wire 'x'",
        ],
    ),
    (
        "a Wiegand link through a relay",
        rig(
            """\
            wiegand:
              w: {device: door, d0: 4, d1: 5, direction: pi-to-device, via: relay}
            """
        ),
        ("relay", 1),
        ["cannot go through a relay"],
    ),
    (
        "an OSDP address used twice",
        rig(
            """\
            osdp:
              port: /dev/ttyUSB0
              readers:
                a: {address: 1, device: door}
                b: {address: 1, device: door}
            """
        ),
        ("1,", 2),
        ["OSDP address 1 is used twice on the bus", "already used by reader 'a'"],
    ),
    (
        "an OSDP baud rate",
        rig(
            """\
            osdp:
              port: /dev/ttyUSB0
              baud: 9601
              readers: {a: {address: 1, device: door}}
            """
        ),
        ("9601", 1),
        ["baud rate OSDP does not use", "got 9601"],
    ),
    (
        "the Pi UART's lines",
        rig(
            """\
            osdp:
              port: /dev/serial0
              readers: {a: {address: 1, device: door}}
            sensors:
              s: {kind: light, bcm: 14, device: strobe, watches: light, active: high}
            """
        ),
        ("14", 1),
        ["BCM line 14 is used twice", "the OSDP bus on /dev/serial0"],
    ),
    (
        "a URL on a virtual rig",
        BASE.replace("name: t\n", "name: t\nkind: virtual\n").replace(
            "    url: http://192.0.2.2\n", ""
        ),
        ("url", 1),
        ["a virtual rig starts a simulator for each device"],
    ),
    (
        "a URL that is not http",
        BASE.replace("http://192.0.2.1", "ftp://192.0.2.1"),
        ("ftp", 1),
        ["the URL of device 'strobe' is not valid", "got 'ftp://192.0.2.1'"],
    ),
    (
        "a physical device without credentials",
        BASE.replace("    credentials: {user_env: DOOR_USER, password_env: DOOR_PASSWORD}\n", ""),
        ("door:", 1),
        ["device 'door' is missing the key 'credentials'"],
    ),
    (
        "an unknown format version",
        "version: 2\n" + BASE,
        ("2", 1),
        ["'version' of the rig is out of range", "expected 1-1, got 2"],
    ),
    (
        "an alias",
        BASE.replace("url: http://192.0.2.2", "url: *first").replace(
            "url: http://192.0.2.1", "url: &first http://192.0.2.1"
        ),
        ("*first", 1),
        ["'url' of device 'door' is an alias: rig files do not follow aliases"],
    ),
    (
        "a merge key",
        BASE.replace("    model: intercom\n", "    <<: {model: intercom}\n"),
        ("<<", 1),
        ["merge key '<<' in device 'door'"],
    ),
    (
        "a section that is a list",
        rig(
            """\
            sensors:
              - light
            """
        ),
        ("- light", 1),
        ["sensors must be a mapping of names to items", "got a list"],
    ),
    (
        "an invalid name",
        rig(
            """\
            sensors:
              2nd/light: {kind: light, bcm: 4, device: strobe, watches: light, active: high}
            """
        ),
        ("2nd", 1),
        ["name '2nd/light' is not valid"],
    ),
]


@pytest.mark.parametrize(
    ("text", "where", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_kind_of_mistake_points_at_its_line_and_column(
    text: str, where: tuple[str, int], fragments: list[str]
) -> None:
    problem = only_problem(text)
    assert_at(problem, text, *where)
    for fragment in fragments:
        assert fragment in str(problem)


def test_the_message_reads_file_line_column_what_expected_got() -> None:
    text = BASE.replace("model: d4200-ve", "model: d4200-v")
    line, column = position(text, "d4200-v")
    assert str(only_problem(text)) == (
        f"rig.yaml:{line}:{column}: device 'strobe' has a model axisctl does not know "
        "(expected one of a9188 | d4200-ve | intercom | m4328-p | p1455-le-3 | ptz-camera, "
        "got 'd4200-v'); did you mean 'd4200-ve'?"
    )


def test_several_problems_are_reported_together_in_file_order() -> None:
    text = rig(
        """\
        wires:
          a: {device: strobe, port: 9, direction: device-to-pi, via: direct, bcm: 40}
        sensors:
          s: {kind: lux, bcm: 5, device: nobody, watches: light, active: high}
        """
    ).replace("    model: d4200-ve", "    model: d4200-ve\n    colour: red")
    found = problems(text)
    assert [problem.at for problem in found] == sorted(problem.at for problem in found)
    summary = [(p.at.line, p.what) for p in found]
    assert summary == [
        (position(text, "colour")[0], "unknown key 'colour' in device 'strobe'"),
        (position(text, "port: 9")[0], "'port' of wire 'a' is out of range"),
        (position(text, "bcm: 40")[0], "'bcm' of wire 'a' is out of range"),
        (position(text, "lux")[0], "'kind' of sensor 's' is not valid"),
        (position(text, "nobody")[0], "sensor 's' names a device that is not declared"),
    ]


def test_a_yaml_syntax_error_points_at_the_problem() -> None:
    text = BASE + "wires: [unclosed\n"
    problem = only_problem(text)
    assert problem.what.startswith("YAML syntax:")
    assert problem.at.line == text.count("\n") + 1


def test_a_tab_indentation_error_points_at_the_tab() -> None:
    text = "name: t\ndevices:\n\tstrobe: {}\n"
    problem = only_problem(text)
    assert (problem.at.line, problem.at.column) == (3, 1)
    assert "YAML syntax" in problem.what


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("", "the rig file is empty"),
        ("# only a comment\n", "the rig file is empty"),
        ("- a\n- b\n", "the rig must be a mapping of keys"),
        ("just text", "the rig must be a mapping of keys"),
    ],
)
def test_a_file_that_is_not_a_rig(text: str, what: str) -> None:
    problem = only_problem(text)
    assert problem.what == what
    assert (problem.at.line, problem.at.column) == (1, 1)


def test_bytes_that_are_not_utf8_point_at_the_bad_byte() -> None:
    problem = only_problem(b"name: t\ndevices:\n  caf\xe9: {}\n")
    assert (problem.at.line, problem.at.column) == (3, 6)
    assert problem.what == "the file is not UTF-8 text"
    assert problem.got == "byte 0xe9"


def test_a_control_character_is_a_syntax_problem() -> None:
    problem = only_problem("name: t\x07\n")
    assert (problem.at.line, problem.at.column) == (1, 8)


def test_secrets_written_in_the_wrong_place_are_never_echoed() -> None:
    password = "hunter2-Secret"
    key = "0123456789abcdef0123456789ABCDEF"
    text = (
        BASE.replace("url: http://192.0.2.1", f"url: http://root:{password}@192.0.2.1").replace(
            "password_env: DOOR_PASSWORD", f"password: {password}"
        )
        + "osdp:\n  port: /dev/ttyUSB0\n  scbk_env: "
        + key
        + "\n  readers: {r: {address: 0, device: door}}\n"
        + "  scbk: "
        + key
        + "\n"
    )
    found = problems(text)
    message = "\n".join(map(str, found))
    assert password not in message
    assert key not in message
    assert any("holds a user name or password, not shown here" in p.what for p in found)
    assert any(
        p.hint and "never holds secrets" in p.hint and "'password_env'" in p.hint for p in found
    )
    assert any("looks like a key" in p.what for p in found)
    assert any("unknown key 'scbk'" in p.what and p.hint and "'scbk_env'" in p.hint for p in found)


def test_an_env_name_that_is_not_one_is_not_quoted() -> None:
    text = BASE.replace("password_env: STROBE_PASSWORD", "password_env: 'pa ss'")
    problem = only_problem(text)
    assert "is not the name of an environment variable" in problem.what
    assert "pa ss" not in str(problem)


def test_a_broken_item_does_not_add_follow_on_problems() -> None:
    # The board has a problem; the wire naming it is not reported on top.
    text = rig(
        """\
        relay_boards:
          hat: {active: sideways, channels: {1: 5}}
        wires:
          w: {device: strobe, port: 1, direction: pi-to-device, via: relay, relay: hat/1}
        """
    )
    problem = only_problem(text)
    assert "'active' of relay board 'hat' is not valid" in problem.what


def test_a_huge_file_is_refused_before_parsing() -> None:
    problem = only_problem("#" * (2 << 20))
    assert problem.what == "the file is too large for a rig file"
