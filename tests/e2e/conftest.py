"""Browser-test fixtures: the platform as `./scripts/run` starts it (`assess serve` in a
subprocess on the embedded default, prepared like the README's run command: db upgrade,
referential load, demo), and one Chromium driven by Playwright, closed whatever happens."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.e2e.browsing import CHROMIUM_ARGS, chromium_path
from tests.processes import ASSESS, REPO, child_env, start, stop, tail, wait_until


@pytest.fixture
def platform(tmp_path):
    """The platform as `./scripts/run` starts it; yields (base URL, instance path)."""
    chromium = chromium_path()
    instance = tmp_path / "instance"
    env = child_env(ASSESS_INSTANCE_PATH=str(instance))
    for command in (["db", "upgrade"], ["referential", "load"], ["demo"]):
        done = subprocess.run(ASSESS + command, env=env, cwd=REPO, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    log = tmp_path / "serve.log"
    proc = start(ASSESS + ["serve", "--port", "0"], env, log)
    try:
        url = wait_until(lambda: re.search(r"disponible sur (http://127\.0\.0\.1:\d+)/",
                                           log.read_text(errors="replace")),
                         60, "serve prints its address", log, proc).group(1)
        yield url, instance, chromium
    finally:
        stop(proc)
        print(tail(log))


@pytest.fixture
def browser(platform):
    """A headless Chromium for the test; closed even when the test fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=platform[2], args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
