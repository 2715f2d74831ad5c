"""Helpers shared by the accounts tests."""

from __future__ import annotations

import re


def logged_in_id(client) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("_user_id")


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.get("_flashes", []))


def link_path(body: str, prefix: str) -> str:
    """The path of the first ``prefix…`` link in an e-mail body."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[\w.\-]+)", body)
    assert match, f"no {prefix} link in:\n{body}"
    return match.group(1)
