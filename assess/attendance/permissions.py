"""Who may record absences and withdrawals: the admins who manage the candidate."""

from __future__ import annotations

from ..candidates.permissions import can_manage_candidate


def can_record_attendance(user, enrolment) -> bool:
    return can_manage_candidate(user, enrolment.session.centre_id)
