import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "assess" / "templates"


def test_every_page_forbids_foreign_content_and_framing(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_view_may_keep_its_stricter_referrer_policy(client):
    # The login page sends no referrer at all; the app-wide default does not override it.
    assert client.get("/login").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/referentiel").headers["Referrer-Policy"] == "same-origin"


def test_templates_need_no_inline_script_or_style():
    """The CSP allows only the app's own files: no inline script, style or handler."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if template.parent.name == "email":
            continue  # read by mail clients, not served: see the test below
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
                r"\sstyle=\"|<style|\son[a-z]+=\"", text):
            offenders.append(template.name)
    assert offenders == []


def test_email_templates_have_no_script_and_fetch_nothing():
    """Mail clients ignore stylesheets, so e-mails carry their styles inline; they still
    run no script and load nothing from anywhere (readers block remote content)."""
    emails = list((TEMPLATES / "email").glob("*.html"))
    assert emails
    for template in emails:
        text = template.read_text(encoding="utf-8")
        assert "<script" not in text and not re.search(r"(src|href)=\"(https?:)?//", text)
        assert not re.search(r"url\(", text), template.name


def test_the_language_switch_never_redirects_off_site(client):
    for target in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil"):
        response = client.post("/langue", data={"lang": "en", "next": target})
        assert response.headers["Location"] == "/", target
    response = client.post("/langue", data={"lang": "en", "next": "/referentiel?x=1"})
    assert response.headers["Location"] == "/referentiel?x=1"
