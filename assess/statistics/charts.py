"""The charts' geometry: stacked bars as SVG rectangles, in percent of a 100-wide box.
Drawn by a template with CSS classes (no inline style, no script: the CSP allows
neither); the figures are in the table next to each bar, the bar only repeats them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    css: str  # the class that colours it (statistics.css)
    x: float
    width: float
    count: int


def stacked(parts: list[tuple[str, int]], total: int | None = None) -> list[Segment]:
    """Segments side by side for ``parts`` ((css class, count)), each as wide as its share
    of ``total`` (default: their sum); empty parts are left out. Widths are rounded to 0.1
    and the last one ends exactly at the share of the whole, so the bar never overflows."""
    whole = total if total is not None else sum(n for _c, n in parts)
    if not whole:
        return []
    segments, at, done = [], 0.0, 0
    for css, count in parts:
        if count <= 0:
            continue
        done += count
        end = round(100 * done / whole, 1)
        segments.append(Segment(css, at, round(end - at, 1), count))
        at = end
    return segments


def outcome_bar(figures) -> list[Segment]:
    """Enrolled candidates: fully, partially, not certified, absent (queries.Figures)."""
    return stacked([("bar-ok", figures.fully), ("bar-part", figures.partially),
                    ("bar-ko", figures.not_certified), ("bar-absent", figures.absent)],
                   figures.enrolled)


def bloc_bar(figures) -> list[Segment]:
    """Enrolled in the bloc: validated, not validated, absent (queries.BlocFigures)."""
    return stacked([("bar-ok", figures.validated),
                    ("bar-ko", figures.presented - figures.validated),
                    ("bar-absent", figures.absent)], figures.enrolled)


def level_bar(line) -> list[Segment]:
    """A criterion's results per level, highest first (queries.CriterionLine)."""
    codes = list(reversed(line.scale.codes))
    css = {codes[0]: "bar-ok", codes[-1]: "bar-ko"}
    return stacked([(css.get(code, "bar-part"), line.counts.get(code, 0)) for code in codes])
