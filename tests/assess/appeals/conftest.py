"""Published results to appeal against: the deliberation's world, decided, sealed and
published, with a 30-day appeal period."""

from __future__ import annotations

import pytest

from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)


@pytest.fixture
def published(db, deliberating, client, as_user):  # noqa: F811
    from assess.certification.models import Certification
    from assess.outbox import relay
    from tests.factories import deliberate

    def make(appeal_days=30, **kwargs):
        d = deliberating(**kwargs)
        db.session.merge(Certification(id=1, appeal_days=appeal_days))
        deliberate(d.w.session, d.w.centre_admin)
        relay.commit()
        as_user(d.w.centre_admin)
        assert client.post(f"/sessions/{d.w.session.id}/resultats/publier",
                           data={"confirmed": "1"}).status_code == 302
        return d

    return make
