from datetime import datetime, timedelta
from pathlib import Path

import pytest

from workflows import Lifecycle, Transition, TransitionRefused
from workflows.grading import GRADING_SHEET
from workflows.session import SESSION
from workflows.submission import SUBMISSION

NOW = datetime(2026, 11, 23, 10, 0)


def test_unknown_state_in_table_is_rejected_at_definition():
    with pytest.raises(ValueError, match="unknown states"):
        Lifecycle("x", frozenset({"a"}), (Transition("go", frozenset({"a"}), "b"),))


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        SESSION.check("fly", "open", {})


def test_session_compute_needs_enrolments_and_no_running_job():
    with pytest.raises(TransitionRefused, match="aucun candidat"):
        SESSION.check("compute", "open", {"enrolment_count": 0})
    with pytest.raises(TransitionRefused, match="déjà en cours"):
        SESSION.check("compute", "open", {"enrolment_count": 3, "job_running": True})
    assert SESSION.check("compute", "open", {"enrolment_count": 3}) == "results_computed"
    # Recomputing before publication is allowed.
    assert SESSION.check("compute", "results_computed", {"enrolment_count": 3}) == "results_computed"


def test_session_publish_only_after_compute():
    with pytest.raises(TransitionRefused) as refused:
        SESSION.check("publish", "open", {"result_count": 2})
    assert "ouverte" in refused.value.reason
    assert SESSION.check("publish", "results_computed", {"result_count": 2}) == "results_published"
    with pytest.raises(TransitionRefused):
        SESSION.check("compute", "results_published", {"enrolment_count": 2})


def test_submission_deadline():
    ctx = {"now": NOW, "deadline": NOW + timedelta(minutes=1)}
    assert SUBMISSION.check("upload", "none", ctx) == "submitted"
    assert SUBMISSION.check("upload", "submitted", ctx) == "submitted"
    with pytest.raises(TransitionRefused, match="date limite"):
        SUBMISSION.check("upload", "submitted", {"now": NOW, "deadline": NOW - timedelta(seconds=1)})
    with pytest.raises(TransitionRefused, match="Aucune date limite"):
        SUBMISSION.check("upload", "none", {"now": NOW, "deadline": None})
    with pytest.raises(TransitionRefused):
        SUBMISSION.check("upload", "locked", ctx)


def test_grading_submit_requires_every_level_and_locks():
    with pytest.raises(TransitionRefused, match="CR1.2"):
        GRADING_SHEET.check("submit", "draft", {"missing_levels": ["CR1.2"]})
    assert GRADING_SHEET.check("submit", "draft", {"missing_levels": []}) == "submitted"
    for action in ("save", "submit"):
        with pytest.raises(TransitionRefused):
            GRADING_SHEET.check(action, "submitted", {})


def test_allowed_actions_lists_only_passing_guards():
    assert SESSION.allowed_actions("open", {"enrolment_count": 1}) == ["compute"]
    assert SESSION.allowed_actions("open", {"enrolment_count": 0}) == []


def test_workflows_do_not_import_flask_or_the_database():
    import subprocess
    import sys

    code = ("import sys, workflows.session, workflows.grading, workflows.submission; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'assess')]; print(bad); sys.exit(1 if bad else 0)")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_refusal_is_rendered_through_the_installed_translator():
    from workflows import base

    try:
        base.set_translator(lambda s: {"brouillon": "draft",
                                       "Action impossible dans l'état « %(state)s ».":
                                       "Not possible while “%(state)s”."}.get(s, s))
        with pytest.raises(TransitionRefused) as refused:
            GRADING_SHEET.check("submit", "submitted", {})
        # submitted → "soumise" has no translation here: the parameter passes unchanged.
        assert refused.value.reason == "Not possible while “soumise”."
        with pytest.raises(TransitionRefused) as refused:
            SESSION.check("publish", "open", {})
        assert refused.value.reason == "Not possible while “ouverte”."
    finally:
        base.set_translator(str)
