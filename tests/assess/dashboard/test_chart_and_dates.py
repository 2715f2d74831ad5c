"""The progress chart's geometry, and one way to write dates per language everywhere."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from assess.dashboard.chart import HEIGHT, LEFT, TOP, WIDTH, progress_chart

TEMPLATES = Path(__file__).resolve().parents[3] / "assess" / "templates"


def test_the_chart_scales_to_what_is_expected():
    chart = progress_chart([(date(2026, 12, 1), 2, 0), (date(2026, 12, 3), 6, 3)],
                           ("files", "sheets"), total=12)
    files, sheets = chart.series
    plot_h = HEIGHT - TOP - 32
    # 2 of 12 on the first day (left edge), 6 of 12 two days later (right edge).
    assert files.points == (f"{LEFT:.1f},{TOP + plot_h * (1 - 2 / 12):.1f} "
                            f"{WIDTH - 12:.1f},{TOP + plot_h * (1 - 6 / 12):.1f}")
    assert (files.last, sheets.last) == (6, 3)
    assert chart.y_ticks[0][1] == 0 and chart.y_ticks[-1][1] == 12
    assert progress_chart([], ("a", "b"), 3) is None


def test_a_single_day_is_drawn_in_the_middle():
    chart = progress_chart([(date(2026, 12, 1), 1, 1)], ("a", "b"), total=1)
    x = float(chart.series[0].points.split(",")[0])
    assert LEFT < x < WIDTH


def test_dates_are_written_one_way_per_language(app):
    from flask_babel import force_locale

    from assess.i18n import day, moment

    with app.test_request_context():
        with force_locale("fr"):
            assert day(date(2026, 12, 2)) == "2 décembre 2026"
            assert moment(datetime(2026, 12, 2, 15, 30)) == "2 décembre 2026 16:30"  # Paris
        with force_locale("en"):
            assert day(date(2026, 12, 2)) == "December 2, 2026"


def test_templates_use_the_shared_date_filters():
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")
                 if re.search(r"\|\s*(date|datetime)format\b", p.read_text())]
    assert offenders == []
