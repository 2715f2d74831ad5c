"""One unit of work per request: ``perform`` commits, or rolls back and says why."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict as HTTPConflict
from werkzeug.exceptions import UnprocessableEntity

from assess.centres.models import TrainingCentre
from assess.unit_of_work import Conflict, on_rollback, perform
from workflows.base import Refused, TransitionRefused


def _centres(db) -> list[str]:
    with db.engine.connect() as conn:  # what another request would see
        return list(conn.scalars(sa.text("SELECT name FROM training_centres ORDER BY name")))


def _add(db, name: str, then=None):
    db.session.add(TrainingCentre(name=name))
    db.session.flush()
    if then is not None:
        raise then
    return name


def test_a_successful_operation_is_committed(db):
    outcome = perform(_add, db, "Centre A")
    assert outcome.ok and outcome.value == "Centre A" and outcome.status == 200
    assert _centres(db) == ["Centre A"]


def test_the_outbox_rows_are_published_after_the_commit(db, app, mail_outbox, make_user):
    from assess.notifications.operations import notify

    user = make_user("juror")
    outcome = perform(notify, "test", user, "1", "Sujet", "Corps")
    assert outcome.ok
    assert [m["Subject"] for m in mail_outbox] == ["Sujet"]  # eager delivery after commit


@pytest.mark.parametrize("refusal", [Refused("Non."), TransitionRefused("Pas maintenant.")])
def test_a_refusal_rolls_back_and_carries_its_reason(db, refusal):
    outcome = perform(_add, db, "Centre B", then=refusal)
    assert not outcome.ok and outcome.refusal is refusal
    assert outcome.reason == str(refusal) and outcome.status == 200
    assert _centres(db) == []


def test_unwrap_answers_422_for_refused_input_and_409_for_a_refused_transition(db):
    with pytest.raises(UnprocessableEntity) as input_refused:
        perform(_add, db, "C", then=Refused("Saisie invalide.")).unwrap()
    assert input_refused.value.description == "Saisie invalide."
    with pytest.raises(HTTPConflict):
        perform(_add, db, "C", then=TransitionRefused("Session close.")).unwrap()


@pytest.mark.parametrize("error", [Conflict(), StaleDataError("version mismatch")])
def test_a_conflict_rolls_back_and_answers_409(db, error):
    outcome = perform(_add, db, "Centre C", then=error)
    assert not outcome.ok and outcome.conflict is error and outcome.status == 409
    assert "modifiées entre-temps" in outcome.reason
    assert _centres(db) == []
    with pytest.raises(HTTPConflict):
        outcome.unwrap()


def test_a_unique_violation_is_a_conflict_not_a_crash(db):
    assert perform(_add, db, "Centre D").ok
    outcome = perform(_add, db, "Centre D")  # training_centres.name is unique
    assert outcome.conflict is not None and outcome.status == 409
    assert _centres(db) == ["Centre D"]


def test_any_other_error_rolls_back_and_propagates(db):
    with pytest.raises(ZeroDivisionError):
        perform(_add, db, "Centre E", then=ZeroDivisionError())
    assert _centres(db) == []
    assert perform(_add, db, "Centre F").ok  # the session is usable again


def test_undo_runs_on_rollback_only(db):
    undone = []

    def operation(name: str, fail: bool):
        on_rollback(lambda: undone.append(name))
        return _add(db, name, then=Refused("non") if fail else None)

    assert perform(operation, "Centre 1", False).ok
    assert undone == []  # committed: nothing to undo
    assert perform(operation, "Centre 2", True).refusal is not None
    assert undone == ["Centre 2"]
    assert perform(operation, "Centre 3", False).ok
    assert undone == ["Centre 2"]  # an undo is never carried over to the next unit of work
    assert _centres(db) == ["Centre 1", "Centre 3"]


def test_a_failing_undo_does_not_hide_the_rollback(db, caplog):
    def operation():
        on_rollback(lambda: 1 / 0)
        on_rollback(lambda: None)
        return _add(db, "Centre G", then=Refused("non"))

    assert perform(operation).refusal is not None
    assert "undo after rollback failed" in caplog.text
    assert _centres(db) == []


def test_a_conflict_no_operation_caught_is_a_409_page_with_the_security_headers(tmp_path):
    from assess import create_app
    from assess.extensions import db
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path))

    @app.get("/_stale")
    def stale():
        raise StaleDataError("version mismatch")

    with app.app_context():
        db.create_all()
        response = app.test_client().get("/_stale")
        db.engine.dispose()
    assert response.status_code == 409
    assert "Modification concurrente" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers
