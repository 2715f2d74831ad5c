"""juries and grading

Juror profiles (professional of the targeted jobs, works for the certifier, gender for the
parity report, blocs they may assess, availability, centres they are not external to);
juries per session or épreuve with a forced move to grading; conflicts of interest;
assignments withdrawn after a conflict; allocation settings and grading deadlines; oral
panels; sheets with an overall comment, the candidate's absence and, for bloc 3, evidence
from the oral defence. ``jury_members.is_external`` goes: it is computed from the profile.

Revision ID: 5c511bf6bb6c
Revises: d1e3f5a7b9c2
Create Date: 2026-12-02 22:27:58.356681

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c511bf6bb6c'
down_revision = 'd1e3f5a7b9c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('juror_affiliations',
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['training_centres.id'], name=op.f('fk_juror_affiliations_centre_id_training_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_juror_affiliations_juror_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('juror_id', 'centre_id', name=op.f('pk_juror_affiliations'))
    )
    op.create_table('juror_availabilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_juror_availabilities_ends_after_start')),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_juror_availabilities_juror_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_juror_availabilities'))
    )
    with op.batch_alter_table('juror_availabilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_juror_availabilities_juror_id'), ['juror_id'], unique=False)

    op.create_table('juror_blocks',
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('block_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_juror_blocks_juror_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('juror_id', 'block_number', name=op.f('pk_juror_blocks'))
    )
    op.create_table('conflicts_of_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('trainer', 'employer', 'colleague', 'relative', 'other', name='link_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('detail', sa.Text(), server_default='', nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_conflicts_of_interest_declared_by_id_users')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_conflicts_of_interest_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_conflicts_of_interest_juror_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts_of_interest')),
    sa.UniqueConstraint('juror_id', 'enrolment_id', name=op.f('uq_conflicts_of_interest_juror_id_enrolment_id'))
    )
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_of_interest_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_of_interest_juror_id'), ['juror_id'], unique=False)

    op.create_table('oral_panel_members',
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('president', 'member')", name=op.f('ck_oral_panel_members_known_role')),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_oral_panel_members_juror_id_users')),
    sa.ForeignKeyConstraint(['slot_id'], ['oral_slots.id'], name=op.f('fk_oral_panel_members_slot_id_oral_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('slot_id', 'juror_id', name=op.f('pk_oral_panel_members'))
    )
    with op.batch_alter_table('oral_panel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oral_panel_members_juror_id'), ['juror_id'], unique=False)

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.String(length=40), nullable=True))

    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evaluators_per_work', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('max_sheets_per_juror', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_certification_sessions_evaluators_range'),
            'evaluators_per_work BETWEEN 1 AND 5')
        batch_op.create_check_constraint(
            batch_op.f('ck_certification_sessions_positive_max_sheets'),
            'max_sheets_per_juror IS NULL OR max_sheets_per_juror > 0')

    with op.batch_alter_table('criterion_marks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oral_evidence', sa.Text(), nullable=True))

    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grading_due_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('grading_sheets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overall_comment', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('candidate_absent', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('juries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exam_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('forced_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('forced_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('forced_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_juries_exam_id_exams'), 'exams', ['exam_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_juries_forced_by_id_users'), 'users', ['forced_by_id'], ['id'])

    with op.batch_alter_table('jury_members', schema=None) as batch_op:
        batch_op.drop_column('is_external')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_professional', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('works_for_certifier', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('gender', sa.String(length=40), nullable=True))
        batch_op.create_check_constraint(op.f('ck_users_gender'),
                                         "gender IN ('female', 'male', 'other')")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_gender'), type_='check')
        batch_op.drop_column('gender')
        batch_op.drop_column('works_for_certifier')
        batch_op.drop_column('is_professional')

    with op.batch_alter_table('jury_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_external', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    with op.batch_alter_table('juries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_juries_forced_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_juries_exam_id_exams'), type_='foreignkey')
        batch_op.drop_column('version')
        batch_op.drop_column('forced_reason')
        batch_op.drop_column('forced_by_id')
        batch_op.drop_column('forced_at')
        batch_op.drop_column('exam_id')

    with op.batch_alter_table('grading_sheets', schema=None) as batch_op:
        batch_op.drop_column('candidate_absent')
        batch_op.drop_column('overall_comment')

    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_column('grading_due_at')

    with op.batch_alter_table('criterion_marks', schema=None) as batch_op:
        batch_op.drop_column('oral_evidence')

    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_certification_sessions_positive_max_sheets'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_certification_sessions_evaluators_range'),
                                 type_='check')
        batch_op.drop_column('max_sheets_per_juror')
        batch_op.drop_column('evaluators_per_work')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_at')

    with op.batch_alter_table('oral_panel_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oral_panel_members_juror_id'))

    op.drop_table('oral_panel_members')
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_of_interest_juror_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_of_interest_enrolment_id'))

    op.drop_table('conflicts_of_interest')
    op.drop_table('juror_blocks')
    with op.batch_alter_table('juror_availabilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_juror_availabilities_juror_id'))

    op.drop_table('juror_availabilities')
    op.drop_table('juror_affiliations')
