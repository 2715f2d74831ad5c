"""The workload bar's geometry: a juror's sheets as stacked SVG segments (submitted, draft,
not started), on a scale shared by every row. Drawn by the template with CSS classes (no
inline style: the CSP allows none)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 200, 14


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css: str


def load_bar(counts, scale: int) -> list[Segment]:
    """``counts``: a ``queries.Counts``; ``scale``: the number of sheets the full width
    stands for (the largest load, or the maximum per juror when it is larger)."""
    scale = max(scale, 1)
    segments, x = [], 0.0
    for value, css in ((counts.submitted, "load-submitted"), (counts.draft, "load-draft"),
                       (counts.not_started, "load-todo")):
        if value > 0:
            width = round(WIDTH * value / scale, 1)
            segments.append(Segment(round(x, 1), width, css))
            x += width
    return segments
