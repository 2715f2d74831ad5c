"""The English catalogue: complete, compiled, placeholder-safe, and actually used.

Source strings (msgids) are French. The extraction below uses the same method map
(babel.cfg) and keywords (scripts/i18n) as the catalogue tooling, so a string added
anywhere in the app fails here until ``./scripts/i18n`` is run and it is translated.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "assess" / "translations" / "en" / "LC_MESSAGES"
PO = CATALOGUE / "messages.po"
MO = CATALOGUE / "messages.mo"
FIX = f"Run ./scripts/i18n, translate the empty msgstr in {PO.relative_to(ROOT)} and run it again."

# %(name)s, %(n)d, %(m)02d …: the name and the conversion must survive translation.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _script_keywords() -> dict:
    """Babel's default keywords plus the ``-k`` ones passed by scripts/i18n."""
    script = (ROOT / "scripts" / "i18n").read_text(encoding="utf-8")
    extra = re.findall(r"(?:-k|--keyword)[ =](\S+)", script)
    assert extra, "scripts/i18n passes no -k keyword: the test cannot mirror it"
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update({k: None for k in extra})
    return keywords


@cache
def extracted() -> dict[str, set[str]]:
    """msgid (singular) → source locations, extracted from the code as scripts/i18n does."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, set[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=_script_keywords()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, set()).add(f"{filename}:{lineno}")
    return found


@cache
def po_catalog():
    with open(PO, "rb") as fh:
        return read_po(fh, locale="en")


def _entries(catalog):
    return [m for m in catalog if m.id]


def _frozen(value):
    # read_mo gives plural ids and strings as lists, read_po as tuples.
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _mapping(catalog) -> dict:
    return {_frozen(m.id): _frozen(m.string) for m in _entries(catalog)}


def test_extraction_finds_the_app_strings():
    # Guards the test itself: a broken method map would make every check below vacuous.
    found = extracted()
    assert len(found) > 100
    assert "Se connecter" in found
    assert any(loc.endswith(".py") or ".py:" in loc for locs in found.values() for loc in locs)


def test_every_source_string_has_an_english_translation():
    catalog = po_catalog()
    problems = []
    for msgid, where in sorted(extracted().items()):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing from the catalogue: {msgid!r} ({min(where)})")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            problems.append(f"not translated: {msgid!r} ({min(where)})")
        if message.fuzzy:
            problems.append(f"fuzzy (check it, then remove the flag): {msgid!r}")
    assert not problems, f"{len(problems)} message(s) to translate. {FIX}\n" + "\n".join(problems)


def test_catalogue_has_no_fuzzy_entry_and_a_proper_header():
    catalog = po_catalog()
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy"
    assert not [m.id for m in _entries(catalog) if m.fuzzy]
    assert str(catalog.locale) == "en"
    assert catalog.project == "assess"
    assert catalog.language_team == "English"


def test_compiled_catalogue_matches_the_po():
    with open(MO, "rb") as fh:
        compiled = read_mo(fh)
    expected = _mapping(po_catalog())
    actual = _mapping(compiled)
    stale = sorted(str(k) for k in expected.keys() ^ actual.keys())
    changed = sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert not stale and not changed, (
        "messages.mo is out of date with messages.po; run ./scripts/i18n.\n"
        f"only in one of them: {stale[:10]}\ndifferent: {changed[:10]}")


def test_compiled_catalogue_is_what_gettext_uses():
    import gettext

    with open(MO, "rb") as fh:
        translations = gettext.GNUTranslations(fh)
    for message in _entries(po_catalog()):
        if isinstance(message.id, tuple):
            assert translations.ngettext(*message.id, 1) == message.string[0]
            assert translations.ngettext(*message.id, 5) == message.string[1]
        else:
            assert translations.gettext(message.id) == message.string


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text)}


def test_placeholders_are_kept():
    problems = []
    for message in _entries(po_catalog()):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, text in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            if _placeholders(text) != _placeholders(source):
                problems.append(f"{source!r}: {sorted(_placeholders(source))} → "
                                f"{sorted(_placeholders(text))} in {text!r}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_plural_entries_have_both_forms():
    plurals = [m for m in _entries(po_catalog()) if isinstance(m.id, tuple)]
    for message in plurals:
        assert len(message.string) == 2 and all(message.string), message.id


# --- rendering -------------------------------------------------------------------------


def _get(client, url):
    """GET ``url`` with the locale chosen afresh.

    The test app context is shared by all requests of a test and Flask-Babel caches the
    locale in ``g``; a real request gets a new context, so forget the cached one.
    """
    from flask import g, has_app_context

    if has_app_context():
        g.pop("_flask_babel", None)
    return client.get(url)


def test_login_page_is_french_by_default(client):
    html = _get(client, "/login").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Se connecter" in html and "Mot de passe oublié ?" in html
    assert "Log in" not in html


def test_language_switch_renders_the_login_page_in_english(client):
    response = client.post("/langue", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    html = _get(client, "/login").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Log in" in html and "Forgotten your password?" in html
    assert "Email address" in html  # a lazy form label
    assert "Se connecter" not in html and "Mot de passe oublié" not in html

    client.post("/langue", data={"lang": "fr", "next": "/login"})
    assert "Se connecter" in _get(client, "/login").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/langue", data={"lang": "de", "next": "/login"})
    assert "Se connecter" in _get(client, "/login").get_data(as_text=True)


@pytest.fixture
def english_juror(make_user, as_user):
    return as_user(make_user("juror", locale="en"))


def test_user_with_english_locale_sees_english_pages(english_juror):
    response = _get(english_juror, "/jury/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "My grading" in html and "Log out" in html and "jury member" in html
    assert "Mes évaluations" not in html and "Se déconnecter" not in html


def test_error_pages_are_translated_too(english_juror):
    response = _get(english_juror, "/this-page-does-not-exist")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "Page introuvable" not in html
