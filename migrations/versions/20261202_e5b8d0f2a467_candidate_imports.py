"""candidate imports and attendance

Imports of candidates from a file: the preview shown before anything is written, then
what applying it did, resumable row by row. Enrolments keep the aménagement asked for.
Addresses in lower case, checked, so that looking an account up is an index equality.
Absences and withdrawals per épreuve, with their date.

Revision ID: e5b8d0f2a467
Revises: d4a7c9e1b356
Create Date: 2026-12-02 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b8d0f2a467'
down_revision = 'd4a7c9e1b356'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'candidate_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('file_key', sa.String(length=80), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('file_size', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('previewed', 'confirmed', 'done', 'failed', 'cancelled',
                                    name='import_status', native_enum=False,
                                    create_constraint=True, length=40), nullable=False),
        sa.Column('preview', sa.JSON(), nullable=False),
        sa.Column('valid_only', sa.Boolean(), nullable=True),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'],
                                name=op.f('fk_candidate_imports_confirmed_by_id_users')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_candidate_imports_created_by_id_users')),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'],
                                name=op.f('fk_candidate_imports_job_id_jobs')),
        sa.ForeignKeyConstraint(['session_id'], ['certification_sessions.id'],
                                name=op.f('fk_candidate_imports_session_id_certification_sessions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_imports')),
    )
    with op.batch_alter_table('candidate_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_imports_session_id'), ['session_id'],
                              unique=False)
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accommodation_request', sa.Text(), nullable=True))
    _lower_case_emails()
    op.create_table(
        'exam_attendances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('exam_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('absent', 'withdrawn', name='attendance', native_enum=False,
                                    create_constraint=True, length=40), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], ondelete='CASCADE',
                                name=op.f('fk_exam_attendances_enrolment_id_enrolments')),
        sa.ForeignKeyConstraint(['exam_id'], ['exams.id'],
                                name=op.f('fk_exam_attendances_exam_id_exams')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_exam_attendances_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_attendances')),
        sa.UniqueConstraint('enrolment_id', 'exam_id',
                            name=op.f('uq_exam_attendances_enrolment_id_exam_id')),
    )
    with op.batch_alter_table('exam_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_attendances_enrolment_id'), ['enrolment_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_exam_attendances_exam_id'), ['exam_id'],
                              unique=False)


def _lower_case_emails():
    """Addresses in lower case, checked: a case-blind look-up becomes an equality on the
    unique index. Two accounts whose addresses differ only by case stop the migration."""
    bind = op.get_bind()
    twins = bind.execute(sa.text(
        "SELECT lower(email) FROM users GROUP BY lower(email) HAVING COUNT(*) > 1")).all()
    if twins:
        raise RuntimeError("accounts whose e-mail differs only by case, merge them first: "
                           + ", ".join(t[0] for t in twins))
    bind.execute(sa.text("UPDATE users SET email = lower(trim(email)) "
                         "WHERE email != lower(trim(email))"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_users_email_lower_case'),
                                         'email = lower(email)')


def downgrade():
    with op.batch_alter_table('exam_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_attendances_exam_id'))
        batch_op.drop_index(batch_op.f('ix_exam_attendances_enrolment_id'))
    op.drop_table('exam_attendances')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_email_lower_case'), type_='check')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('accommodation_request')
    with op.batch_alter_table('candidate_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_imports_session_id'))
    op.drop_table('candidate_imports')
