"""notifications the recipient opted out of have their own status

An optional e-mail the recipient turned off was recorded as ``failed``; it now says
``opted_out``, so that failures and choices are told apart. Rows written before keep
``failed`` (nothing tells them apart afterwards); the downgrade writes ``failed`` back.

Revision ID: 3e9a7c1b5d02
Revises: d4b876c69a16
Create Date: 2026-12-06 22:30:00

"""
from alembic import op


revision = '3e9a7c1b5d02'
down_revision = 'd4b876c69a16'
branch_labels = None
depends_on = None

BEFORE = ('pending', 'sending', 'sent', 'failed')
AFTER = BEFORE + ('opted_out',)
NAME = 'ck_notifications_notification_status'


def _allow(values) -> None:
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(op.f(NAME), f"status IN ({listed})")


def upgrade():
    _allow(AFTER)


def downgrade():
    op.execute("UPDATE notifications SET status = 'failed' WHERE status = 'opted_out'")
    _allow(BEFORE)
