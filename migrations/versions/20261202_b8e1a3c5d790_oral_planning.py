"""oral planning

The oral's planning (time windows per day in Paris time, slot length, break, rooms) and
each candidate's slot (room, start, end; moved by hand or placed).

Revision ID: b8e1a3c5d790
Revises: a7d0f2b4c689
Create Date: 2026-12-02 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e1a3c5d790'
down_revision = 'a7d0f2b4c689'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'oral_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exam_part_id', sa.Integer(), nullable=False),
        sa.Column('slot_minutes', sa.Integer(), nullable=False),
        sa.Column('break_minutes', sa.Integer(), nullable=False),
        sa.Column('windows', sa.JSON(), nullable=False),
        sa.Column('rooms', sa.JSON(), nullable=False),
        sa.CheckConstraint('break_minutes >= 0', name=op.f('ck_oral_plans_positive_break')),
        sa.CheckConstraint('slot_minutes > 0', name=op.f('ck_oral_plans_positive_slot')),
        sa.ForeignKeyConstraint(['exam_part_id'], ['exam_parts.id'],
                                name=op.f('fk_oral_plans_exam_part_id_exam_parts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oral_plans')),
        sa.UniqueConstraint('exam_part_id', name=op.f('uq_oral_plans_exam_part_id')),
    )
    op.create_table(
        'oral_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exam_part_id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('room', sa.String(length=120), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('moved_by_hand', sa.Boolean(), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_oral_slots_ends_after_start')),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], ondelete='CASCADE',
                                name=op.f('fk_oral_slots_enrolment_id_enrolments')),
        sa.ForeignKeyConstraint(['exam_part_id'], ['exam_parts.id'],
                                name=op.f('fk_oral_slots_exam_part_id_exam_parts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oral_slots')),
        sa.UniqueConstraint('exam_part_id', 'enrolment_id',
                            name=op.f('uq_oral_slots_exam_part_id_enrolment_id')),
    )
    with op.batch_alter_table('oral_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oral_slots_enrolment_id'), ['enrolment_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_oral_slots_exam_part_id'), ['exam_part_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('oral_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oral_slots_exam_part_id'))
        batch_op.drop_index(batch_op.f('ix_oral_slots_enrolment_id'))
    op.drop_table('oral_slots')
    op.drop_table('oral_plans')
