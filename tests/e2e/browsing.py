"""What every browser test shares: Debian's Chromium and its arguments, and logging in."""

from __future__ import annotations

import os
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
