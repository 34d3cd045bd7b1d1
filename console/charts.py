"""Chart geometry for server-rendered SVG: no script, no CDN, labels escaped by Jinja."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PALETTE = ["#2f6fb3", "#e08a1e", "#3a9a5b", "#b2453c", "#7b5ea7", "#5f7a8a"]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


def stacked_days(days: list[date], series: dict[str, list[int]], names: dict[str, str],
                 width: int = 1000, height: int = 180) -> dict:
    """Columns per day, stacked by channel, with a legend and a y-axis top value."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(days))]
    top = max(totals + [1])
    step = width / max(1, len(days))
    colors = {channel: PALETTE[i % len(PALETTE)] for i, channel in enumerate(sorted(series))}
    bars = []
    for i, day in enumerate(days):
        y = height
        for channel in sorted(series):
            count = series[channel][i]
            if count:
                h = count / top * (height - 10)
                y -= h
                bars.append(Bar(i * step + 1, y, step - 2, h, colors[channel],
                                f"{day:%m-%d} {names.get(channel, channel)} {count}"))
    labels = [(i * step + step / 2, f"{day:%m-%d}") for i, day in enumerate(days) if i % 5 == 0]
    legend = [(names.get(channel, channel), color) for channel, color in colors.items()]
    return {"bars": bars, "labels": labels, "legend": legend, "top": top, "width": width, "height": height}


def horizontal(items: list[tuple[str, int]], width: int = 560, row: int = 22) -> dict:
    """One bar per (label, value), longest first."""
    top = max([value for _, value in items] + [1])
    rows = [{"label": label, "value": value, "y": i * row, "width": value / top * (width - 150)}
            for i, (label, value) in enumerate(items)]
    return {"rows": rows, "width": width, "height": max(row, len(rows) * row), "row": row}


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"
