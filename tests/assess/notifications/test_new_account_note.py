"""A message to someone who has not set a password yet carries a valid invitation link."""

from __future__ import annotations

import re

from sqlalchemy import select

from assess.accounts.tokens import INVITATION, read_token
from assess.notifications.models import Notification
from assess.notifications.operations import notify, notify_many
from tests.factories import create_user


def _link(body: str) -> str:
    return re.search(r"/invitation/([\w.\-]+)", body).group(1)


def test_a_user_without_password_gets_the_way_in(app, db):
    with app.test_request_context():
        newcomer = create_user("candidate", password=None)
        known = create_user("candidate")
        for user in (newcomer, known):
            notify("convocation", user, "c1", "Votre convocation", "Bonjour,\n")
        notify_many("deliverable_reminder", [
            (newcomer.id, newcomer.email, "r1", "Rappel", "Bonjour,\n"),
            (known.id, known.email, "r1", "Rappel", "Bonjour,\n")])
        db.session.commit()
        bodies = {(n.recipient_id, n.event): n.body for n in db.session.scalars(select(Notification))}
        for event in ("convocation", "deliverable_reminder"):
            body = bodies[(newcomer.id, event)]
            assert "pas encore choisi votre mot de passe" in body
            assert read_token(_link(body), INVITATION).id == newcomer.id
            assert "/invitation/" not in bodies[(known.id, event)]


def test_the_invitation_itself_carries_no_second_link(app, db):
    with app.test_request_context():
        newcomer = create_user("candidate", password=None)
        notify("invitation", newcomer, "t1", "Votre accès", "Lien : /invitation/abc\n")
        db.session.commit()
        [n] = db.session.scalars(select(Notification))
        assert n.body == "Lien : /invitation/abc\n"


def test_the_note_is_in_the_recipients_language(app, db):
    with app.test_request_context():
        newcomer = create_user("candidate", password=None, locale="en")
        notify("convocation", newcomer, "c1", "Your notice", "Hello,\n")
        db.session.commit()
        body = db.session.scalar(select(Notification.body))
    assert "/invitation/" in body and "mot de passe" not in body
