"""What every browser test shares: Debian's Chromium and its arguments, and logging in."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from tests.conftest import service_unavailable

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("ASSESS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        service_unavailable("Chromium", f"{path} not found (./scripts/install-browser)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        service_unavailable("Playwright", exc)
    return path


def login(browser, base, email, console_errors: list[str]):
    page = browser.new_context(viewport={"width": 1280, "height": 900},
                               accept_downloads=True, locale="fr-FR").new_page()
    # A CSP violation or a script error shows up here; the flow must have none.
    page.on("console", lambda m: m.type == "error" and console_errors.append(
        f"{email} {page.url}: {m.text}"))
    page.goto(base + "/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not log in"
    return page


def compose_jury(admin, session_url: str, roles: dict[str, str]) -> str:
    """Compose the session's jury from its page (``roles``: juror name -> « Président(e) »,
    « Membre » or « — pas au jury »); returns the jury page's text after saving."""
    admin.goto(session_url)
    admin.get_by_role("link", name="Jury de la session").first.click()
    admin.locator("#jury-session").get_by_role(
        "button", name=re.compile("Composer ce jury|Modifier ce jury")).click()
    for name, role in roles.items():
        admin.get_by_label(name, exact=True).select_option(label=role)
    admin.get_by_role("button", name="Enregistrer le jury").click()
    admin.wait_for_load_state()
    assert "Jury enregistré" in admin.content(), admin.content()
    return admin.locator("#jury-session").inner_text()
