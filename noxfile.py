"""Developer sessions: ``nox -s tests``, ``lint``, ``types``, ``benchmarks``, ``demo``."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "types", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite against simulated devices (pass pytest options after --)."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def types(session: nox.Session) -> None:
    """mypy --strict over the library, drivers, harness, tests and benchmarks."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session
def benchmarks(session: nox.Session) -> None:
    """Measure axisctl against raw httpx and raw websockets on the simulator; prints ratios.

    Asserts nothing. Options after -- go to the transport benchmark; ``benchmarks_events``
    takes the event stream benchmark's own.
    """
    session.install("-e", ".[dev]")
    session.run("python", "-m", "benchmarks.bench_transport", *session.posargs)
    session.run("python", "-m", "benchmarks.bench_events")


@nox.session
def benchmarks_events(session: nox.Session) -> None:
    """Event stream latency and rate against a raw websockets client; prints ratios."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "benchmarks.bench_events", *session.posargs)


@nox.session
def benchmarks_lpr(session: nox.Session) -> None:
    """Plate push receiver: pushes per second and memory against a raw aiohttp receiver."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "benchmarks.bench_lpr_receiver", *session.posargs)


@nox.session
def benchmarks_readers(session: nox.Session) -> None:
    """Wiegand and OSDP codecs against baselines (libosdp for OSDP), and the CPU time of an
    OSDP poll exchange beside its wire time at 9600 and 115200 baud."""
    session.install("-e", ".[dev]")
    session.run("python", "-m", "benchmarks.bench_wiegand")
    session.run("python", "-m", "benchmarks.bench_osdp")
    session.run("python", "-m", "benchmarks.bench_osdp_poll")


@nox.session
def demo(session: nox.Session) -> None:
    """A simulated site on the virtual rig, told as a story (`axisctl demo`)."""
    session.install("-e", ".")
    session.run("axisctl", "demo", *session.posargs)
