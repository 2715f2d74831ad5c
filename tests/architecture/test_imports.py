"""Dependencies point one way (ARCHITECTURE.md): read from the source, so that an import
hidden in a function counts as much as one at the top of a module."""

from __future__ import annotations

import pytest

from tests.architecture.imports import cycles, imports_of, project_edges, project_modules, top

PURE = ("workflows", "rubrics")
# What pure rules may not know about: the web framework, the database, the app.
FORBIDDEN_IN_PURE = ("flask", "werkzeug", "jinja2", "sqlalchemy", "alembic", "celery", "kombu",
                     "assess", "worker")


def _modules_of(package: str) -> list[str]:
    return [m for m in project_modules() if top(m) == package]


def test_the_graph_sees_every_package():
    for package in ("assess", "workflows", "rubrics", "worker"):
        assert len(_modules_of(package)) > 1, package
    # Sanity of the reader itself: a known import inside a function is found.
    assert "assess.background.celery_app" in imports_of("assess")


def test_assess_never_imports_worker():
    offending = {m: sorted(t for t in targets if top(t) == "worker")
                 for m, targets in project_edges().items() if top(m) == "assess"}
    assert {m: t for m, t in offending.items() if t} == {}


@pytest.mark.parametrize("package", PURE)
def test_pure_rules_import_neither_flask_nor_the_database_nor_the_app(package):
    offending = {}
    for module in _modules_of(package):
        bad = sorted(name for name in imports_of(module)
                     if top(name) in FORBIDDEN_IN_PURE or top(name).startswith("flask_"))
        if bad:
            offending[module] = bad
    assert offending == {}


def test_no_import_cycle_between_modules():
    assert cycles(project_edges()) == []


def _feature(module: str) -> str:
    """``assess.sessions.views`` -> ``assess.sessions``; top-level modules stand alone."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "assess" and len(parts) > 2 else module


def test_no_import_cycle_between_feature_packages():
    # Tables reference each other (a grade points at a criterion, an enrolment at a
    # session): imports of another feature's models do not count, every other one does.
    edges: dict[str, set[str]] = {}
    for module, targets in project_edges().items():
        for target in targets:
            if target.endswith(".models") or target == "assess.models":
                continue
            a, b = _feature(module), _feature(target)
            if a != b:
                edges.setdefault(a, set()).add(b)
    assert cycles(edges) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
