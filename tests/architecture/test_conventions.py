"""The package convention (README, "Layout"): one file name per role in every feature,
and each role keeps to its part. Read from the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.architecture.imports import ROOT

FEATURES = sorted(p for p in (ROOT / "assess").iterdir()
                  if p.is_dir() and (p / "__init__.py").exists())
ROLE_FILES = ("views", "forms", "models", "operations", "permissions", "queries", "labels",
              "tasks", "cli")


def _files(name: str) -> list[Path]:
    return sorted((ROOT / "assess").rglob(f"{name}.py"))


def _calls(path: Path) -> set[str]:
    """Names of the functions and methods called in a module (``db.session.commit`` ->
    ``commit``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_features_and_role_files():
    assert len(FEATURES) >= 10
    assert len(_files("views")) >= 8 and len(_files("permissions")) >= 7


def test_a_role_file_is_never_split_by_name():
    # A feature that grows splits its files by what they do, not views_people.py.
    pattern = re.compile(rf"^({'|'.join(ROLE_FILES)})_\w+\.py$")
    assert [_rel(p) for p in (ROOT / "assess").rglob("*.py") if pattern.match(p.name)] == []


def test_views_never_commit_nor_roll_back():
    # One unit of work per request: assess.unit_of_work.perform commits or rolls back.
    offending = {_rel(p): sorted(_calls(p) & {"commit", "rollback"}) for p in _files("views")}
    assert {k: v for k, v in offending.items() if v} == {}


def test_operations_flush_but_never_commit():
    offending = {_rel(p): sorted(_calls(p) & {"commit", "rollback"})
                 for p in _files("operations")}
    assert {k: v for k, v in offending.items() if v} == {}


@pytest.mark.parametrize(("marker", "home"), [
    ("Blueprint(", "views.py"),       # routes live in views.py
    ("@handler(", "tasks.py"),        # what the worker runs lives in tasks.py
    ("@bp.", "views.py"),
])
def test_each_kind_of_code_lives_in_its_role_file(marker, home):
    offending = [_rel(p) for p in (ROOT / "assess").rglob("*.py")
                 if marker in p.read_text() and p.name != home]
    assert offending == []


def test_queries_and_operations_never_answer_http_errors():
    # Loaders that answer 403/404 are in permissions.py; queries read, operations refuse.
    offending = [_rel(p) for p in _files("queries") + _files("operations")
                 if "abort" in _calls(p)]
    assert offending == []


def test_views_do_not_reach_into_the_session_to_load_objects():
    # Objects are loaded through the scoped loaders of permissions.py.
    offending = [_rel(p) for p in _files("views") if "db.session" in p.read_text()]
    assert offending == []


def test_every_form_is_built_on_the_apps_form():
    # assess.core.forms.Form strips text, refuses control characters and insane dates.
    offending = [_rel(p) for p in (ROOT / "assess").rglob("*.py")
                 if "FlaskForm" in p.read_text() and p != ROOT / "assess/core/forms.py"]
    assert offending == []
