"""The certification session's lifecycle."""

from __future__ import annotations

import pytest

from workflows import TransitionRefused
from workflows.session import SESSION, SessionContext


def ctx(enrolments=0, running=False, results=0, stale=False, pending=0) -> SessionContext:
    return SessionContext(enrolment_count=enrolments, job_running=running, result_count=results,
                          results_stale=stale, pending_results=pending)


def test_compute_needs_enrolments_and_no_running_job():
    with pytest.raises(TransitionRefused, match="aucun candidat"):
        SESSION.check("compute", "open", ctx(enrolments=0))
    with pytest.raises(TransitionRefused, match="déjà en cours"):
        SESSION.check("compute", "open", ctx(enrolments=3, running=True))
    assert SESSION.check("compute", "open", ctx(enrolments=3)) == "results_computed"
    # Recomputing before publication is allowed.
    assert SESSION.check("compute", "results_computed", ctx(enrolments=3)) == "results_computed"


def test_publish_only_after_compute_and_with_results():
    with pytest.raises(TransitionRefused) as refused:
        SESSION.check("publish", "open", ctx(results=2))
    assert "ouverte" in refused.value.reason
    with pytest.raises(TransitionRefused, match="Aucun résultat"):
        SESSION.check("publish", "results_computed", ctx(results=0))
    with pytest.raises(TransitionRefused, match="déjà en cours"):
        SESSION.check("publish", "results_computed", ctx(results=2, running=True))
    assert SESSION.check("publish", "results_computed", ctx(results=2)) == "results_published"
    with pytest.raises(TransitionRefused):
        SESSION.check("compute", "results_published", ctx(enrolments=2))


def test_allowed_actions():
    assert SESSION.allowed_actions("open", ctx(enrolments=1)) == ["compute"]
    assert SESSION.allowed_actions("open", ctx(enrolments=0)) == []
    assert SESSION.allowed_actions("results_computed", ctx(enrolments=1, results=1)) == [
        "compute", "publish"]


def test_publish_refuses_stale_or_pending_results_and_says_so():
    with pytest.raises(TransitionRefused, match="recalculez"):
        SESSION.check("publish", "results_computed", ctx(results=2, stale=True))
    with pytest.raises(TransitionRefused, match="2 résultat"):
        SESSION.check("publish", "results_computed", ctx(results=2, pending=2))
    assert SESSION.refusal("publish", "results_computed", ctx(results=2)) is None
    assert "recalculez" in SESSION.refusal("publish", "results_computed",
                                           ctx(results=2, stale=True))
    # Recomputing stays possible: it is the way out.
    assert "compute" in SESSION.allowed_actions("results_computed",
                                                ctx(enrolments=2, results=2, stale=True))
