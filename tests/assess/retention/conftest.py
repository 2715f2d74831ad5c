"""Published results (the appeals' world), with files handed in, that can be made old."""

from __future__ import annotations

import pytest

from tests.assess.appeals.conftest import published  # noqa: F401 (a fixture)
from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)
from tests.assess.privacy.conftest import hand_in  # noqa: F401 (a fixture)


@pytest.fixture
def age(db):
    """age(session, days): its results (and every candidate's) published ``days`` ago."""
    from datetime import timedelta

    from sqlalchemy import update

    from assess.candidates.models import Enrolment
    from assess.core.columns import utcnow
    from assess.results.models import TitleResult

    def make(session, days):
        when = utcnow() - timedelta(days=days)
        session.results_published_at = when
        db.session.execute(update(TitleResult).where(TitleResult.enrolment_id.in_(
            db.session.query(Enrolment.id).filter(Enrolment.session_id == session.id)
            .scalar_subquery())).values(published_at=when))
        db.session.commit()

    return make


@pytest.fixture
def later():
    """A moment past the blobs' grace period: what was just written may be deleted."""
    from datetime import timedelta

    from assess.core.columns import utcnow
    from assess.submissions.operations import BLOB_GRACE

    return lambda: utcnow() + BLOB_GRACE + timedelta(minutes=5)
