"""Unit tests of assess.accounts.permissions.can_log_in on real user rows."""

from __future__ import annotations

import pytest

from assess.accounts.permissions import can_log_in


@pytest.mark.parametrize("role", ["certifier_admin", "centre_admin", "juror", "candidate"])
def test_an_active_account_with_a_password_may_log_in_whatever_its_role(app, make_user, role):
    app.config["DEMO_ALLOWED"] = False  # irrelevant to a real account
    assert can_log_in(make_user(role)) is True


@pytest.mark.parametrize(("active", "has_password", "is_demo", "demo_allowed", "expected"), [
    (False, True, False, True, False),   # deactivated
    (True, False, False, True, False),   # invited, password not chosen yet
    (False, False, False, True, False),
    (True, True, True, True, True),      # demo account, demos switched on
    (True, True, True, False, False),    # demo account, demos switched off
    (False, True, True, True, False),    # deactivated demo account
    (True, False, True, True, False),    # demo account without password
])
def test_can_log_in_depends_on_state_and_demo_switch(app, make_user, active, has_password,
                                                     is_demo, demo_allowed, expected):
    app.config["DEMO_ALLOWED"] = demo_allowed
    user = make_user("juror", active=active, is_demo=is_demo,
                     password="secret-passphrase" if has_password else None)
    assert can_log_in(user) is expected


def test_demo_accounts_are_refused_when_the_switch_is_absent(app, make_user):
    app.config.pop("DEMO_ALLOWED", None)
    assert can_log_in(make_user("candidate", is_demo=True)) is False
