"""Labels (Flask-Babel msgids) of attendance."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Attendance

ATTENDANCE = {
    None: _l("attendu(e)"),
    Attendance.ABSENT: _l("absent(e)"),
    Attendance.WITHDRAWN: _l("désisté(e)"),
}
