"""The HTML report of a HIL run: one self-contained page, rendered from ``run.json``.

    write_report(run, "hil-report/")      # run.json + index.html
    render_directory("hil-report/")       # index.html again, from run.json alone
    python -m axisctl.hil.report hil-report/

The page has no script and loads nothing: styles are inline and each test's timeline is
inline SVG (docs/hil-report.md explains how to read it). Everything taken from the run is
escaped (:mod:`axisctl.hil.report_text`), so event data cannot inject markup.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

from axisctl.hil.report_data import RunRecord, TestRecord, read_run
from axisctl.hil.report_lanes import time_span
from axisctl.hil.report_style import STYLE
from axisctl.hil.report_svg import timeline_svg
from axisctl.hil.report_text import attr, text

__all__ = ["render_directory", "render_html", "write_report"]

RUN_FILE = "run.json"
INDEX_FILE = "index.html"


def write_report(run: RunRecord, directory: str | os.PathLike[str]) -> Path:
    """Write ``run.json`` and ``index.html`` into ``directory``; return the page's path."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    run.write(target / RUN_FILE)
    # Rendered from what run.json holds (times rounded to microseconds), so that rendering
    # the file again later gives the same page.
    return _write_page(render_html(RunRecord.from_json(run.to_json())), target / INDEX_FILE)


def render_directory(directory: str | os.PathLike[str]) -> Path:
    """Render ``index.html`` again from the ``run.json`` in ``directory``."""
    target = Path(directory)
    return _write_page(render_html(read_run(target / RUN_FILE)), target / INDEX_FILE)


def _write_page(page: str, path: Path) -> Path:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    return path


def render_html(run: RunRecord) -> str:
    """The whole report page for ``run``."""
    title = f"HIL run on {run.rig_name or 'an unnamed rig'}"
    body = [
        f"<header><h1>{text(title)}</h1>{_summary(run)}</header>",
        _devices(run),
        _test_index(run.tests),
        _latency_summary(run.tests),
        *(_test_section(index, test, run) for index, test in enumerate(run.tests)),
        "<footer>Rendered by axisctl from run.json; render again with "
        "<code>axisctl hil report DIR</code>. How to read it: docs/hil-report.md.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )


def _summary(run: RunRecord) -> str:
    counts = run.counts()
    badges = " ".join(
        f'<span class="badge {attr(outcome)}">{count} {text(outcome)}</span>'
        for outcome, count in counts.items()
        if count or outcome in ("passed", "failed", "skipped")
    )
    rows = [
        ("rig", f"{run.rig_name} ({run.rig_kind})" if run.rig_kind else run.rig_name),
        ("rig file", run.rig_source),
        ("description", run.rig_description),
        ("started", run.started_at),
        ("finished", run.finished_at),
        ("duration", f"{run.duration:.2f} s"),
        ("exit status", "" if run.exit_status is None else str(run.exit_status)),
    ]
    table = "".join(
        f"<tr><th>{text(name)}</th><td>{text(value)}</td></tr>" for name, value in rows if value
    )
    return f'<p class="counts">{badges}</p><table class="meta">{table}</table>'


def _devices(run: RunRecord) -> str:
    if not run.devices:
        return ""
    rows = "".join(
        f"<tr><td>{text(d.name)}</td><td>{text(d.model)}</td>"
        f"<td>{text(d.firmware or '-')}</td><td>{text(d.serial or '-')}</td></tr>"
        for d in run.devices
    )
    return (
        "<section><h2>Devices</h2><table><tr><th>name</th><th>model</th><th>firmware</th>"
        f"<th>serial</th></tr>{rows}</table></section>"
    )


def _test_index(tests: Sequence[TestRecord]) -> str:
    if not tests:
        return "<section><h2>Tests</h2><p>No test ran.</p></section>"
    rows = "".join(
        f'<tr><td><span class="badge {attr(test.outcome)}">{text(test.outcome)}</span></td>'
        f'<td><a href="#test-{index}">{text(test.nodeid)}</a></td>'
        f'<td class="num">{test.duration:.2f} s</td>'
        f'<td class="num">{len(test.latencies) or ""}</td></tr>'
        for index, test in enumerate(tests)
    )
    return (
        "<section><h2>Tests</h2><table><tr><th>outcome</th><th>test</th><th>duration</th>"
        f"<th>latencies</th></tr>{rows}</table></section>"
    )


def _latency_summary(tests: Sequence[TestRecord]) -> str:
    measured: dict[str, list[float]] = {}
    for test in tests:
        for latency in test.latencies:
            measured.setdefault(latency.name, []).append(latency.seconds)
    if not measured:
        return ""
    rows = "".join(
        f'<tr><td>{text(name)}</td><td class="num">{len(values)}</td>'
        f'<td class="num">{_ms(min(values))}</td>'
        f'<td class="num">{_ms(statistics.median(values))}</td>'
        f'<td class="num">{_ms(max(values))}</td></tr>'
        for name, values in sorted(measured.items())
    )
    return (
        "<section><h2>Latencies over the run</h2><table><tr><th>latency</th><th>count</th>"
        f"<th>min</th><th>median</th><th>max</th></tr>{rows}</table></section>"
    )


def _test_section(index: int, test: TestRecord, run: RunRecord) -> str:
    parts = [
        f'<section class="test" id="test-{index}">',
        f'<h2><span class="badge {attr(test.outcome)}">{text(test.outcome)}</span> '
        f"{text(test.nodeid)}</h2>",
        f'<p class="duration">{test.duration:.3f} s</p>',
    ]
    if test.message:
        parts.append(f'<pre class="message">{text(test.message)}</pre>')
    if not test.used_bench:
        parts.append('<p class="quiet">This test did not use the bench: no timeline.</p>')
    else:
        plot = timeline_svg(test, run.lines)
        parts.append(
            f'<div class="plot">{plot}</div>'
            if plot
            else '<p class="quiet">Nothing was recorded while this test ran.</p>'
        )
        parts.append(_latency_table(test))
        if test.log:
            opened = " open" if test.outcome in ("failed", "error", "interrupted") else ""
            where = f" ({text(test.log_file)})" if test.log_file else ""
            parts.append(
                f"<details{opened}><summary>log{where}</summary>"
                f'<pre class="log">{text(test.log)}</pre></details>'
            )
    parts.append("</section>")
    return "\n".join(parts)


def _latency_table(test: TestRecord) -> str:
    if not test.latencies:
        return ""
    start, _ = time_span(test)
    rows = "".join(
        f'<tr><td>{text(m.name)}</td><td class="num">{_ms(m.seconds)}</td>'
        f'<td class="num">+{_ms(m.start - start)}</td><td class="num">+{_ms(m.end - start)}</td>'
        "</tr>"
        for m in test.latencies
    )
    return (
        '<table class="latencies"><tr><th>latency</th><th>measured</th><th>from</th>'
        f"<th>to</th></tr>{rows}</table>"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m axisctl.hil.report DIR``: render DIR/index.html from DIR/run.json."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: python -m axisctl.hil.report DIR  (renders DIR/index.html from run.json)")
        return 0 if args and args[0] in ("-h", "--help") else 2
    try:
        print(render_directory(args[0]))
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
