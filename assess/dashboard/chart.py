"""The progress chart's geometry: cumulative series turned into SVG coordinates. Drawn
by a template with CSS classes (no inline style, no script: the CSP allows neither)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 32


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    points: str  # "x,y x,y …" for <polyline>
    last: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    y_ticks: list[tuple[float, int]]  # (y, value)
    x_ticks: list[tuple[float, date]]  # (x, day)
    baseline: float
    left: float
    right: float


def progress_chart(days: list[tuple[date, int, int]], names: tuple[str, str],
                   total: int) -> Chart | None:
    """``days``: (day, handed in so far, sheets submitted so far). ``total`` is the top
    of the scale (what is expected), so that the lines show how far there is to go."""
    if not days:
        return None
    top = max(total, max(max(a, b) for _d, a, b in days), 1)
    first, last = days[0][0], days[-1][0]
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + plot_w * (day - first).days / span, 1) if len(days) > 1 else \
            LEFT + plot_w / 2

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    def line(index: int) -> str:
        return " ".join(f"{x(d)},{y(values[index])}" for d, *values in days)

    series = [Series(names[0], "chart-files", line(0), days[-1][1]),
              Series(names[1], "chart-sheets", line(1), days[-1][2])]
    steps = 4
    y_ticks = [(y(round(top * i / steps)), round(top * i / steps)) for i in range(steps + 1)]
    shown = days if len(days) <= 6 else [days[i * (len(days) - 1) // 5] for i in range(6)]
    x_ticks = [(x(d), d) for d, *_ in shown]
    return Chart(WIDTH, HEIGHT, series, y_ticks, x_ticks, y(0), LEFT, WIDTH - RIGHT)
