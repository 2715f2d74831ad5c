"""Locale selection: French unless the user chose English. (The time zone is
``BABEL_DEFAULT_TIMEZONE``, Europe/Paris, for everyone.)"""

from __future__ import annotations

from flask import current_app, has_app_context, request, session
from flask_babel import gettext
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    chosen = session.get("lang") if request else None
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def translate(message: str) -> str:
    """gettext without formatting, usable outside an app context (then unchanged)."""
    return gettext(message) if has_app_context() else message


# One way to write a date, and one a moment, per language, on every page (Babel, in the
# platform's time zone): « 2 décembre 2026 », « 2 décembre 2026 16:30 ».
def day(value) -> str:
    from flask_babel import format_date

    return format_date(value, "long") if value else ""


def moment(value) -> str:
    from flask_babel import format_date, format_time

    return f"{format_date(value, 'long')} {format_time(value, 'short')}" if value else ""


def day_short(value) -> str:
    """A chart's axis: « 2 déc. »."""
    from flask_babel import format_date

    return format_date(value, "d MMM") if value else ""


def iso_moment(value: str | None) -> str:
    """``moment`` of a time kept as ISO text (UTC), as a convocation's details keep it."""
    from datetime import datetime

    return moment(datetime.fromisoformat(value)) if value else ""


def register_date_filters(app) -> None:
    app.add_template_filter(iso_moment, "iso_moment")
    app.add_template_filter(day, "day")
    app.add_template_filter(day_short, "day_short")
    app.add_template_filter(moment, "moment")
