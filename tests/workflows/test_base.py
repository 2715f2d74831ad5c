"""The lifecycle machinery: tables checked at definition, typed contexts, translated reasons."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from workflows import Lifecycle, Refused, Transition, TransitionRefused
from workflows.grading import GRADING_SHEET, GradingContext
from workflows.session import SESSION, SessionContext


@dataclass(frozen=True)
class Ctx:
    ready: bool


def _ready(ctx: Ctx):
    return None if ctx.ready else "pas prêt"


MACHINE = Lifecycle("x", frozenset({"a", "b"}), (Transition("go", frozenset({"a"}), "b", (_ready,)),),
                    context=Ctx)


def test_unknown_state_in_table_is_rejected_at_definition():
    with pytest.raises(ValueError, match="unknown states"):
        Lifecycle("x", frozenset({"a"}), (Transition("go", frozenset({"a"}), "b"),), context=Ctx)


def test_the_context_must_be_a_frozen_dataclass():
    @dataclass
    class Mutable:
        ready: bool

    with pytest.raises(TypeError, match="frozen dataclass"):
        Lifecycle("x", frozenset({"a"}), (), context=Mutable)
    with pytest.raises(TypeError, match="frozen dataclass"):
        Lifecycle("x", frozenset({"a"}), (), context=dict)


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown action"):
        MACHINE.check("fly", "a", Ctx(ready=True))


def test_a_dict_context_is_refused_rather_than_read():
    # A misspelt key in a dict used to read as "absent", and let a guard pass.
    with pytest.raises(TypeError, match="Ctx"):
        MACHINE.check("go", "a", {"raedy": True})
    with pytest.raises(TypeError, match="Ctx"):
        MACHINE.allowed_actions("a", {"ready": True})


def test_another_lifecycles_context_is_refused():
    with pytest.raises(TypeError, match="SessionContext"):
        SESSION.check("compute", "deliberation",
                      GradingContext(missing_levels=(), session_status="grading"))


def test_a_context_cannot_be_built_with_a_field_missing_or_misspelt():
    fields = {"unscheduled_parts": (), "enrolment_count": 1, "missing_sheets": 0,
              "forced": False, "job_running": False, "result_count": 0,
              "results_stale": False}
    SessionContext(**fields)
    with pytest.raises(TypeError):
        SessionContext(**{k: v for k, v in fields.items() if k != "results_stale"})
    with pytest.raises(TypeError):
        SessionContext(**{("job_runing" if k == "job_running" else k): v
                          for k, v in fields.items()})


def test_guards_decide_and_allowed_actions_lists_only_passing_ones():
    assert MACHINE.check("go", "a", Ctx(ready=True)) == "b"
    with pytest.raises(TransitionRefused, match="pas prêt") as refused:
        MACHINE.check("go", "a", Ctx(ready=False))
    assert (refused.value.lifecycle, refused.value.action, refused.value.state) == ("x", "go", "a")
    assert MACHINE.allowed_actions("a", Ctx(ready=True)) == ["go"]
    assert MACHINE.allowed_actions("a", Ctx(ready=False)) == []
    assert MACHINE.allowed_actions("b", Ctx(ready=True)) == []


def test_every_refusal_is_a_refused_with_a_reason():
    with pytest.raises(Refused) as refused:
        MACHINE.check("go", "b", Ctx(ready=True))
    assert isinstance(refused.value, TransitionRefused)
    assert str(refused.value) == refused.value.reason


def test_refusal_is_rendered_through_the_installed_translator():
    from workflows import base

    try:
        base.set_translator(lambda s: {"brouillon": "draft",
                                       "Action impossible dans l'état « %(state)s ».":
                                       "Not possible while “%(state)s”."}.get(s, s))
        with pytest.raises(TransitionRefused) as refused:
            GRADING_SHEET.check("submit", "submitted",
                                GradingContext(missing_levels=(), session_status="grading"))
        # submitted → "soumise" has no translation here: the parameter passes unchanged.
        assert refused.value.reason == "Not possible while “soumise”."
        with pytest.raises(TransitionRefused) as refused:
            SESSION.check("publish", "enrolment",
                          SessionContext((), 0, 0, False, False, 0, False))
        assert refused.value.reason == "Not possible while “ouverte aux inscriptions”."
    finally:
        base.set_translator(str)


def test_workflows_do_not_import_flask_or_the_database():
    import subprocess
    import sys

    code = ("import sys, workflows.session, workflows.grading, workflows.submission; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'assess')]; print(bad); sys.exit(1 if bad else 0)")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
