"""reliability

Leases apart from dispatches (a running delivery renews its lease with a heartbeat, a
dead worker's row is taken over once it lapses), the outbox attempt that claimed a
notification, and the heartbeat of a job.

Revision ID: 4f1e2c9a7b30
Revises: 80d300161820
Create Date: 2026-12-02 00:30:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f1e2c9a7b30'
down_revision = '80d300161820'
branch_labels = None
depends_on = None


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leased_until', sa.DateTime(), nullable=True))
    # The earlier code kept a running delivery's lease in dispatched_at, in the future.
    op.get_bind().execute(sa.text(
        "UPDATE outbox SET leased_until = dispatched_at, dispatched_at = :now "
        "WHERE dispatched_at > :now"), {"now": _now()})

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_attempt', sa.Integer(), nullable=True))

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))

    # Login sessions the server can end. Cookies of the earlier code name no session: their
    # holders sign in again once.
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_login_sessions_user_open', ['user_id', 'ended_at'], unique=False)

    # Sessions computed before are stale until recomputed (no basis): safe, not blocking.
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_basis', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_column('results_basis')

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_login_sessions_user_open')
    op.drop_table('login_sessions')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('claim_attempt')

    op.execute("UPDATE outbox SET dispatched_at = leased_until "
               "WHERE leased_until IS NOT NULL "
               "AND (dispatched_at IS NULL OR leased_until > dispatched_at)")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('leased_until')
