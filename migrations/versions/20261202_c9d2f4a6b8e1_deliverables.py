"""deliverables

Every deliverable of the three modalities: a stored file names its deliverable (the
foundation's single PDF becomes « document »), is flagged late or uploaded on the
candidate's behalf; URL deliverables; the session's choices per deliverable (types,
required) and per épreuve (one combined document); late work accepted per session;
individual deadline extensions; the worker's check of each PDF.

Revision ID: c9d2f4a6b8e1
Revises: b8e1a3c5d790
Create Date: 2026-12-02 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9d2f4a6b8e1'
down_revision = 'b8e1a3c5d790'
branch_labels = None
depends_on = None

LIVE = "superseded_at IS NULL"


def upgrade():
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deliverable', sa.String(length=40),
                                      server_default='document', nullable=False))
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('on_behalf', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('check_status', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('check_detail', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('page_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(), nullable=True))
        batch_op.drop_index('uq_stored_files_live_per_submission',
                            sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
        batch_op.create_index('uq_stored_files_live_per_deliverable',
                              ['submission_id', 'deliverable'], unique=True,
                              sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepts_late_work', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('combined_hand_in', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    op.create_table(
        'submitted_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('deliverable', sa.String(length=40), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('given_at', sa.DateTime(), nullable=False),
        sa.Column('given_by_id', sa.Integer(), nullable=False),
        sa.Column('superseded_at', sa.DateTime(), nullable=True),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('on_behalf', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['given_by_id'], ['users.id'],
                                name=op.f('fk_submitted_links_given_by_id_users')),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                                name=op.f('fk_submitted_links_submission_id_submissions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_submitted_links')),
    )
    with op.batch_alter_table('submitted_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submitted_links_submission_id'),
                              ['submission_id'], unique=False)
        batch_op.create_index('uq_submitted_links_live_per_deliverable',
                              ['submission_id', 'deliverable'], unique=True,
                              sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_table(
        'deliverable_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exam_id', sa.Integer(), nullable=False),
        sa.Column('deliverable', sa.String(length=40), nullable=False),
        sa.Column('accepts', sa.JSON(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], ondelete='CASCADE',
                                name=op.f('fk_deliverable_settings_exam_id_exams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deliverable_settings')),
        sa.UniqueConstraint('exam_id', 'deliverable',
                            name=op.f('uq_deliverable_settings_exam_id_deliverable')),
    )
    with op.batch_alter_table('deliverable_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliverable_settings_exam_id'), ['exam_id'],
                              unique=False)
    op.create_table(
        'deadline_extensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('exam_id', sa.Integer(), nullable=False),
        sa.Column('until', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], ondelete='CASCADE',
                                name=op.f('fk_deadline_extensions_enrolment_id_enrolments')),
        sa.ForeignKeyConstraint(['exam_id'], ['exams.id'],
                                name=op.f('fk_deadline_extensions_exam_id_exams')),
        sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'],
                                name=op.f('fk_deadline_extensions_granted_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_extensions')),
        sa.UniqueConstraint('enrolment_id', 'exam_id',
                            name=op.f('uq_deadline_extensions_enrolment_id_exam_id')),
    )
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_extensions_enrolment_id'),
                              ['enrolment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_extensions_enrolment_id'))
    op.drop_table('deadline_extensions')
    with op.batch_alter_table('deliverable_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliverable_settings_exam_id'))
    op.drop_table('deliverable_settings')
    with op.batch_alter_table('submitted_links', schema=None) as batch_op:
        batch_op.drop_index('uq_submitted_links_live_per_deliverable',
                            sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
        batch_op.drop_index(batch_op.f('ix_submitted_links_submission_id'))
    op.drop_table('submitted_links')
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_column('combined_hand_in')
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_column('accepts_late_work')
    # Back to one live file per submission: of several live deliverables, the latest
    # stays current and the others are marked replaced (their rows and blobs are kept).
    op.execute(sa.text(
        "UPDATE stored_files SET superseded_at = uploaded_at WHERE superseded_at IS NULL "
        "AND id NOT IN (SELECT MAX(id) FROM stored_files WHERE superseded_at IS NULL "
        "GROUP BY submission_id)"))
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index('uq_stored_files_live_per_deliverable',
                            sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
        batch_op.create_index('uq_stored_files_live_per_submission', ['submission_id'],
                              unique=True, sqlite_where=sa.text(LIVE),
                              postgresql_where=sa.text(LIVE))
        batch_op.drop_column('checked_at')
        batch_op.drop_column('page_count')
        batch_op.drop_column('check_detail')
        batch_op.drop_column('check_status')
        batch_op.drop_column('on_behalf')
        batch_op.drop_column('late')
        batch_op.drop_column('deliverable')
