"""deliberation, procès-verbal, appeals

The jury's decisions per bloc and per disputed criterion (history kept: a decision is
superseded, never edited), the deliberation of a session, its PV and amendments with the
members' signatures, the candidates' appeals with their files; the proposal kept beside
each result's outcome; the certifier's appeal period and transcript setting.

Revision ID: d4b876c69a16
Revises: 7a1c3e5f9b20
Create Date: 2026-12-03 11:18:28.810838

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4b876c69a16'
down_revision = '7a1c3e5f9b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deliberations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('not_opened', 'open', 'closed', name='deliberation_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_deliberations_closed_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_deliberations_opened_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['certification_sessions.id'], name=op.f('fk_deliberations_session_id_certification_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberations')),
    sa.UniqueConstraint('session_id', name=op.f('uq_deliberations_session_id'))
    )
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('filed', 'under_review', 'rejected', 'redeliberated', 'closed', name='appeal_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_appeals_answered_by_id_users')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_appeals_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_appeals_filed_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_appeals_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_appeals_enrolment_id'))
    )
    op.create_table('block_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('validated', 'not_validated', name='decided_outcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('proposed', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_block_decisions_appeal_id_appeals')),
    sa.ForeignKeyConstraint(['block_id'], ['blocks.id'], name=op.f('fk_block_decisions_block_id_blocks')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_block_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_block_decisions_enrolment_id_enrolments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_block_decisions'))
    )
    with op.batch_alter_table('block_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_block_decisions_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index('uq_block_decisions_current', ['enrolment_id', 'block_id'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))

    op.create_table('level_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('criterion_code', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_level_decisions_appeal_id_appeals')),
    sa.ForeignKeyConstraint(['block_id'], ['blocks.id'], name=op.f('fk_level_decisions_block_id_blocks')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_level_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_level_decisions_enrolment_id_enrolments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_level_decisions'))
    )
    with op.batch_alter_table('level_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_level_decisions_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index('uq_level_decisions_current', ['enrolment_id', 'block_id', 'criterion_code'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))

    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('signing', 'sealed', name='minutes_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('content_pdf', sa.LargeBinary(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('signers', sa.JSON(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('sealed_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('sealed_sha256', sa.String(length=64), nullable=True),
    sa.Column('sealed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_minutes_appeal_id_appeals')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_minutes_created_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['certification_sessions.id'], name=op.f('fk_minutes_session_id_certification_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes')),
    sa.UniqueConstraint('session_id', 'number', name=op.f('uq_minutes_session_id_number'))
    )
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_session_id'), ['session_id'], unique=False)

    op.create_table('appeal_files',
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_appeal_files_appeal_id_appeals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_appeal_files_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('appeal_id', 'stored_file_id', name=op.f('pk_appeal_files'))
    )
    op.create_table('minutes_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_signatures_minutes_id_minutes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_minutes_signatures_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_signatures')),
    sa.UniqueConstraint('minutes_id', 'user_id', name=op.f('uq_minutes_signatures_minutes_id_user_id'))
    )
    with op.batch_alter_table('minutes_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_signatures_minutes_id'), ['minutes_id'], unique=False)

    with op.batch_alter_table('block_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_outcome', sa.String(length=20), nullable=True))
    # Results computed before this revision were proposals: outcome is the proposal.
    op.execute("UPDATE block_results SET proposed_outcome = outcome")

    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appeal_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('transcript_details', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('title_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_outcome', sa.String(length=20), nullable=True))
    op.execute("UPDATE title_results SET proposed_outcome = outcome")



def downgrade():
    with op.batch_alter_table('title_results', schema=None) as batch_op:
        batch_op.drop_column('proposed_outcome')

    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.drop_column('transcript_details')
        batch_op.drop_column('appeal_days')

    with op.batch_alter_table('block_results', schema=None) as batch_op:
        batch_op.drop_column('proposed_outcome')

    with op.batch_alter_table('minutes_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_signatures_minutes_id'))

    op.drop_table('minutes_signatures')
    op.drop_table('appeal_files')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_session_id'))

    op.drop_table('minutes')
    with op.batch_alter_table('level_decisions', schema=None) as batch_op:
        batch_op.drop_index('uq_level_decisions_current', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_level_decisions_enrolment_id'))

    op.drop_table('level_decisions')
    with op.batch_alter_table('block_decisions', schema=None) as batch_op:
        batch_op.drop_index('uq_block_decisions_current', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_block_decisions_enrolment_id'))

    op.drop_table('block_decisions')
    op.drop_table('appeals')
    op.drop_table('deliberations')
