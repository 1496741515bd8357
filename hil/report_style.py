"""The report page's stylesheet, inline so the page needs nothing but itself."""

from __future__ import annotations

__all__ = ["STYLE"]

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em auto;
       max-width: 1040px; padding: 0 1em; color: #1d2328; background: #fff; }
h1 { font-size: 1.5em; margin: 0 0 .4em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .4em; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { text-align: left; padding: .15em .8em .15em 0; vertical-align: top; }
th { font-weight: 600; color: #4a555e; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.meta th { padding-right: 1.2em; }
code, pre { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: #f5f7f8; padding: .6em .8em; overflow-x: auto; white-space: pre-wrap;
      word-break: break-word; }
pre.message { border-left: 3px solid #c0392b; }
section.test { border-top: 1px solid #dde3e7; margin-top: 1.6em; }
p.duration, p.quiet, footer { color: #69757e; }
footer { margin-top: 3em; font-size: .9em; }
.badge { display: inline-block; padding: 0 .5em; border-radius: .7em; font-size: .85em;
         font-weight: 600; color: #fff; background: #7f8c8d; }
.badge.passed { background: #1e8449; }
.badge.failed, .badge.error, .badge.interrupted { background: #c0392b; }
.badge.skipped { background: #b9770e; }
.badge.xfailed, .badge.xpassed { background: #6c3483; }
.plot { overflow-x: auto; }
svg.timeline { font: 11px system-ui, sans-serif; }
svg .lane-bg { fill: #fff; }
svg .lane:nth-of-type(even) .lane-bg { fill: #f6f8f9; }
svg .lane-label { fill: #34495e; }
svg .wave { fill: none; stroke: #1f618d; stroke-width: 1.6; }
svg .on { fill: #d6eaf8; }
svg .marker { fill: #ca6f1e; }
svg .mark-osdp .marker { fill: #7d3c98; }
svg .mark-wiegand .marker { fill: #117a65; }
svg .mark-label, svg .flag-label { fill: #2c3e50; }
svg .guide { stroke: #95a5a6; stroke-dasharray: 3 3; stroke-width: .8; }
svg .flag-shape { fill: #f4d03f; stroke: #7d6608; stroke-width: .8; }
svg .axis line { stroke: #7f8c8d; }
svg .axis text { fill: #566573; }
svg .bracket { fill: none; stroke: #c0392b; stroke-width: 1.4; }
svg .reach { stroke: #e6b0aa; stroke-dasharray: 1 3; }
svg .latency-label { fill: #922b21; font-weight: 600; }
"""
