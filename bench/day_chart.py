"""bench/day.svg from bench.day's figures: `python -m bench.day_chart [bench/results/day.json]`.

Top: each phase's p99 (log scale) per layout (daphne processes) with its target where it has one.
Below, for the first layout: resident memory and CPU per daphne process over the day, the phases
shaded. Plain SVG written by hand (no plotting library in the project).
"""

import argparse
import json
import math
from html import escape
from pathlib import Path

from bench.servers import RESULTS

WIDTH = 960
MARGIN = 70
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
BANDS = ["#f2f2f2", "#e4e4e4"]
# (label, path into a day's phases, target ms or None)
P99S = [
    ("registration (rush)", ("rush", "latency_ms", "p99"), None),
    ("check-in (arrival)", ("arrival", "latency_ms", "p99"), 50),
    ("workshop moved: push", ("workshop_moved", "push_ms", "p99"), 500),
    ("announcement: push", ("announcement_and_poll", "announcement", "push_ms", "p99"), 500),
    ("vote", ("announcement_and_poll", "poll", "latency_ms", "p99"), None),
    ("big screen per vote", ("announcement_and_poll", "poll", "screen_delay_ms", "p99"), None),
]
LOW_MS, HIGH_MS = 10.0, 20000.0


def dig(data, path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def text(x: float, y: float, label: str, size: int = 12, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {extra}>'
        f"{escape(label)}</text>"
    )


def p99_panel(days: dict, top: float) -> tuple[list[str], float]:
    """Horizontal bars on a log axis, one group per figure, one bar per layout."""
    parts = [text(MARGIN, top, "p99 per phase (ms, log scale); | = target", 14, extra='font-weight="bold"')]
    left, right = MARGIN + 170, WIDTH - MARGIN
    span = math.log10(HIGH_MS) - math.log10(LOW_MS)

    def x_of(ms: float) -> float:
        ms = min(max(ms, LOW_MS), HIGH_MS)
        return left + (math.log10(ms) - math.log10(LOW_MS)) / span * (right - left)

    y = top + 16
    bar = 12
    for tick in (10, 50, 100, 500, 1000, 5000, 20000):
        parts.append(
            f'<line x1="{x_of(tick):.1f}" x2="{x_of(tick):.1f}" y1="{y}" y2="{y + len(P99S) * (bar * len(days) + 10)}" stroke="#ddd"/>'
        )
        parts.append(text(x_of(tick), y + len(P99S) * (bar * len(days) + 10) + 14, f"{tick:g}", 10, "middle"))
    for label, path, target in P99S:
        parts.append(text(left - 8, y + bar * len(days) / 2 + 4, label, 12, "end"))
        for index, (name, day) in enumerate(days.items()):
            value = dig(day.get("phases", {}), path)
            row = y + index * bar
            if value is not None:
                parts.append(
                    f'<rect x="{left}" y="{row:.1f}" width="{x_of(value) - left:.1f}" height="{bar - 2}" '
                    f'fill="{COLOURS[index % len(COLOURS)]}"/>'
                )
                label = f"{value:,.0f} ms ({name})"
                if x_of(value) > right - 150:  # no room right of the bar: inside it
                    parts.append(text(x_of(value) - 4, row + bar - 3, label, 10, "end", 'fill="white"'))
                else:
                    parts.append(text(x_of(value) + 4, row + bar - 3, label, 10))
        if target is not None:
            parts.append(
                f'<line x1="{x_of(target):.1f}" x2="{x_of(target):.1f}" y1="{y - 2}" '
                f'y2="{y + bar * len(days)}" stroke="black" stroke-width="2"/>'
            )
        y += bar * len(days) + 10
    return parts, y + 30


def timeline_panel(day: dict, top: float, series: str, title: str, unit: str) -> tuple[list[str], float]:
    """Lines per process over the day's seconds, the phases as shaded bands."""
    line = day.get("timeline", {})
    times, values = line.get("t_s", []), line.get(series, [])
    height = 150
    parts = [text(MARGIN, top, title, 14, extra='font-weight="bold"')]
    top += 10
    if not times or not values:
        return parts, top + 20
    left, right = MARGIN, WIDTH - MARGIN
    end = max(times[-1], 1.0)
    highest = max(max(v) for v in values if v) * 1.1 or 1.0

    def x_of(seconds: float) -> float:
        return left + seconds / end * (right - left)

    def y_of(value: float) -> float:
        return top + height - value / highest * height

    for index, phase in enumerate(line.get("phases", [])):
        x0, x1 = x_of(max(phase["from_s"], 0)), x_of(phase["to_s"])
        parts.append(
            f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1):.1f}" height="{height}" fill="{BANDS[index % 2]}"/>'
        )
        # A short phase gets its name a line lower, so that two short ones side by side stay legible.
        parts.append(
            text((x0 + x1) / 2, top + 12 + 12 * (x1 - x0 < 80) * (index % 2), phase["name"], 10, "middle")
        )
    for tick in range(5):
        value = highest * tick / 4
        parts.append(text(left - 6, y_of(value) + 4, f"{value:,.0f}", 10, "end"))
    for index, points in enumerate(values):
        path = " ".join(f"{x_of(t):.1f},{y_of(v):.1f}" for t, v in zip(times, points, strict=False))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{COLOURS[index % len(COLOURS)]}" stroke-width="1.5"/>'
        )
        parts.append(
            text(
                right - 4 - 80 * (len(values) - 1 - index),
                top - 12,  # on the title's line, clear of the phases' names
                f"daphne {index + 1}",
                11,
                "end",
                f'fill="{COLOURS[index % len(COLOURS)]}"',
            )
        )
    parts.append(
        text(left, top + height + 16, f"{unit}; seconds since the sockets phase began (0 … {end:,.0f} s)", 10)
    )
    return parts, top + height + 40


def write_chart(report: dict, target: Path) -> None:
    days = {
        name.replace("processes_", "") + " processes": day
        for name, day in report.get("days", {}).items()
        if isinstance(day, dict) and "phases" in day
    }
    parts, y = p99_panel(days, 30)
    first_name, first = next(iter(days.items()), ("", {}))
    more, y = timeline_panel(first, y, "rss_mib", f"Resident memory per daphne process ({first_name})", "MiB")
    parts += more
    more, y = timeline_panel(
        first, y, "cpu_percent", f"CPU per daphne process ({first_name})", "% of one core"
    )
    parts += more
    caption = f"bench.day, {report.get('date', '')}, commit {report.get('commit', '')}, {report.get('attendees')} attendees"
    parts.append(text(MARGIN, y, caption, 11))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y + 20:.0f}" '
        f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>'
        + "".join(parts)
        + "</svg>\n"
    )
    target.write_text(svg)


def main(argv: list[str] | None = None) -> None:
    from bench.day import CHART

    parser = argparse.ArgumentParser(prog="python -m bench.day_chart", description=__doc__.splitlines()[0])
    parser.add_argument("figures", nargs="?", type=Path, default=RESULTS / "day.json")
    parser.add_argument("--output", type=Path, default=CHART)
    args = parser.parse_args(argv)
    write_chart(json.loads(args.figures.read_text()), args.output)
    print(args.output)


if __name__ == "__main__":
    main()
