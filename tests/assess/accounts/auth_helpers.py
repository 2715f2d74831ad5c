"""Helpers shared by the accounts tests."""

from __future__ import annotations

import re


def logged_in_id(client) -> str | None:
    """The id of the user the client's session cookie names (it also carries the login
    session's token: ``"<user id>:<token>"``)."""
    with client.session_transaction() as sess:
        cookie_id = sess.get("_user_id")
    return cookie_id.partition(":")[0] if cookie_id else None


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.get("_flashes", []))


def link_path(body: str, prefix: str) -> str:
    """The path of the first ``prefix…`` link in an e-mail body."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[\w.\-]+)", body)
    assert match, f"no {prefix} link in:\n{body}"
    return match.group(1)
