"""Who may read and decide aménagements, and open their supporting document (health
data): the admins of the candidate's centre and the certifier's admins. Nobody else."""

from __future__ import annotations

from ..candidates.permissions import can_manage_candidate


def can_manage_accommodation(user, enrolment) -> bool:
    return can_manage_candidate(user, enrolment.session.centre_id)
