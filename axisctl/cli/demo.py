"""``axisctl demo``: a simulated site on the virtual rig, told as a story (docs/quickstart.md)."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from axisctl.cli.app import cli
from axisctl.cli.demo_run import Closing, interrupts_once, run_story, show_outcome
from axisctl.cli.demo_story import DEFAULT_DURATION_S, MIN_DURATION_S
from axisctl.cli.demo_tour import run_tour


@cli.command()
@click.option(
    "--duration",
    type=click.FloatRange(MIN_DURATION_S, 3600.0),
    default=DEFAULT_DURATION_S,
    show_default=True,
    metavar="SECONDS",
    help="How long the story takes (starting the site comes before it).",
)
@click.option(
    "--non-interactive",
    is_flag=True,
    help="Plain timestamped lines, no live view (the default when stdout is not a terminal).",
)
@click.option(
    "--tour",
    is_flag=True,
    help="Instead of the site: one simulated device of every model, probed with the library.",
)
@click.pass_context
def demo(ctx: click.Context, duration: float, non_interactive: bool, tour: bool) -> None:
    """A simulated site: cars at a gate, an alarm, cards at a door; ends by itself.

    \b
    The bundled virtual rig: a gate camera, a relay module driving the barrier, a strobe
    speaker and an intercom with a Wiegand and an OSDP reader, simulated and wired to mock
    Raspberry Pi GPIO lines. A known car opens the barrier, an unknown one sets off the
    strobe, cards open the door and a stranger's is refused; each step is checked on the
    far end of the wiring, and the summary gives the measured latencies.

    \b
    Exit status: 0 when every step happened as expected, 1 when one did not (the summary
    says which), 130 when interrupted (the bench is made safe first).
    """
    if tour:
        run_tour()
        return
    interactive = not non_interactive and sys.stdout.isatty()
    console = Console(highlight=False)
    closing = Closing()

    def say(text: str) -> None:
        if interactive:
            console.print(text, markup=False)
        else:
            print(text, flush=True)

    with interrupts_once() as interrupts:
        try:
            outcome = run_story(
                duration,
                interactive=interactive,
                console=console,
                say=say,
                closing=closing,
                interrupts=interrupts,
            )
        except KeyboardInterrupt:
            say("Interrupted.")
            say(closing.line())
            ctx.exit(130)
    show_outcome(outcome, interactive=interactive, console=console, say=say)
    say(closing.line())
    ctx.exit(0 if outcome.ok else 1)
