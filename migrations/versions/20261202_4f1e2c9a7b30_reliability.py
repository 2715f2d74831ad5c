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

    # A person may sit at two centres: a candidate row per person and centre.
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_constraint('uq_candidates_user_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_candidates_user_id_centre_id'), ['user_id', 'centre_id'])
        batch_op.create_index(batch_op.f('ix_candidates_user_id'), ['user_id'], unique=False)

    # Jurors belong to pools: a centre sees its own and those open to all centres. The
    # jurors a centre already assigned join its pool; jurors never assigned are opened to
    # all, so that nobody disappears from anyone's list.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_to_all_centres', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('juror_centres',
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['training_centres.id'], name=op.f('fk_juror_centres_centre_id_training_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_juror_centres_juror_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('juror_id', 'centre_id', name=op.f('pk_juror_centres'))
    )
    op.execute("""
        INSERT INTO juror_centres (juror_id, centre_id)
        SELECT DISTINCT a.juror_id, s.centre_id FROM assignments a
        JOIN enrolments e ON e.id = a.enrolment_id
        JOIN certification_sessions s ON s.id = e.session_id""")
    op.execute("""
        UPDATE users SET open_to_all_centres = :yes WHERE role = 'juror'
        AND id NOT IN (SELECT juror_id FROM juror_centres)""".replace(":yes", "TRUE"))

    # Sessions computed before are stale until recomputed (no basis): safe, not blocking.
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_basis', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_column('results_basis')

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_login_sessions_user_open')
    op.drop_table('login_sessions')

    op.drop_table('juror_centres')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('open_to_all_centres')

    # Back to one candidate row per person: the first one (by id) of each is kept, with
    # its enrolments; those of the person's other rows move to it.
    op.execute("""
        UPDATE enrolments SET candidate_id = (
            SELECT MIN(c2.id) FROM candidates c1 JOIN candidates c2 ON c2.user_id = c1.user_id
            WHERE c1.id = enrolments.candidate_id)""")
    op.execute("""
        DELETE FROM candidates WHERE id NOT IN (
            SELECT min_id FROM (SELECT MIN(id) AS min_id FROM candidates GROUP BY user_id)
            AS firsts)""")
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidates_user_id'))
        batch_op.drop_constraint(batch_op.f('uq_candidates_user_id_centre_id'), type_='unique')
        batch_op.create_unique_constraint('uq_candidates_user_id', ['user_id'])

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('claim_attempt')

    op.execute("UPDATE outbox SET dispatched_at = leased_until "
               "WHERE leased_until IS NOT NULL "
               "AND (dispatched_at IS NULL OR leased_until > dispatched_at)")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('leased_until')
