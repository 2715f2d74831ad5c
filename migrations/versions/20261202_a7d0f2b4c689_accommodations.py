"""accommodations

Aménagements: the request (extra time capped at a third unless an exception is written,
aids, spreading, the supporting document kept in the storage), the decision (who,
when), and the measures applied per épreuve.

Revision ID: a7d0f2b4c689
Revises: f6c9e1a3b578
Create Date: 2026-12-02 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d0f2b4c689'
down_revision = 'f6c9e1a3b578'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'accommodations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('extra_time_percent', sa.Integer(), nullable=False),
        sa.Column('exception_reason', sa.Text(), nullable=True),
        sa.Column('human_aid', sa.Text(), nullable=True),
        sa.Column('technical_aid', sa.Text(), nullable=True),
        sa.Column('spread_over_sessions', sa.Boolean(), nullable=False),
        sa.Column('other', sa.Text(), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('document_key', sa.String(length=80), nullable=True),
        sa.Column('document_sha256', sa.String(length=64), nullable=True),
        sa.Column('document_name', sa.String(length=255), nullable=True),
        sa.Column('document_size', sa.Integer(), nullable=True),
        sa.Column('status', sa.Enum('requested', 'granted', 'refused',
                                    name='accommodation_decision', native_enum=False,
                                    create_constraint=True, length=40), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.CheckConstraint("(status = 'requested') = (decided_at IS NULL)",
                           name=op.f('ck_accommodations_decision_has_time')),
        sa.CheckConstraint('extra_time_percent <= 33 OR exception_reason IS NOT NULL',
                           name=op.f('ck_accommodations_exception_beyond_a_third')),
        sa.CheckConstraint('extra_time_percent BETWEEN 0 AND 100',
                           name=op.f('ck_accommodations_extra_time_range')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_accommodations_decided_by_id_users')),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], ondelete='CASCADE',
                                name=op.f('fk_accommodations_enrolment_id_enrolments')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_accommodations_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accommodations')),
        sa.UniqueConstraint('enrolment_id', name=op.f('uq_accommodations_enrolment_id')),
    )
    op.create_table(
        'accommodation_measures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('accommodation_id', sa.Integer(), nullable=False),
        sa.Column('exam_id', sa.Integer(), nullable=False),
        sa.Column('extra_minutes', sa.Integer(), nullable=False),
        sa.Column('aids', sa.Text(), nullable=True),
        sa.CheckConstraint('extra_minutes >= 0',
                           name=op.f('ck_accommodation_measures_extra_minutes_positive')),
        sa.ForeignKeyConstraint(['accommodation_id'], ['accommodations.id'], ondelete='CASCADE',
                                name=op.f('fk_accommodation_measures_accommodation_id_accommodations')),
        sa.ForeignKeyConstraint(['exam_id'], ['exams.id'],
                                name=op.f('fk_accommodation_measures_exam_id_exams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accommodation_measures')),
        sa.UniqueConstraint('accommodation_id', 'exam_id',
                            name=op.f('uq_accommodation_measures_accommodation_id_exam_id')),
    )
    with op.batch_alter_table('accommodation_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accommodation_measures_accommodation_id'),
                              ['accommodation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('accommodation_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accommodation_measures_accommodation_id'))
    op.drop_table('accommodation_measures')
    op.drop_table('accommodations')
