"""anonymous grading

A session may have its written work graded anonymously: jurors see each candidate's
number (random, unique in the session) until the identities are revealed, an audited
action at deliberation.

Revision ID: d1e3f5a7b9c2
Revises: c9d2f4a6b8e1
Create Date: 2026-12-02 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1e3f5a7b9c2'
down_revision = 'c9d2f4a6b8e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_grading', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('identities_revealed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('identities_revealed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_certification_sessions_identities_revealed_by_id_users'), 'users',
            ['identities_revealed_by_id'], ['id'])
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_number', sa.String(length=12), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_enrolments_session_id_anonymous_number'),
            ['session_id', 'anonymous_number'])


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_enrolments_session_id_anonymous_number'),
                                 type_='unique')
        batch_op.drop_column('anonymous_number')
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_certification_sessions_identities_revealed_by_id_users'),
            type_='foreignkey')
        batch_op.drop_column('identities_revealed_by_id')
        batch_op.drop_column('identities_revealed_at')
        batch_op.drop_column('anonymous_grading')
