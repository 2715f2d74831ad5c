"""convocations

Convocations, one row per version (what it says, its fingerprint, the PDF and .ics kept
once sent); notifications carry attachments kept in the storage.

Revision ID: f6c9e1a3b578
Revises: e5b8d0f2a467
Create Date: 2026-12-02 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6c9e1a3b578'
down_revision = 'e5b8d0f2a467'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'convocations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('exam_part_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('pdf_key', sa.String(length=80), nullable=True),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
        sa.Column('ics_key', sa.String(length=80), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_convocations_created_by_id_users')),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], ondelete='CASCADE',
                                name=op.f('fk_convocations_enrolment_id_enrolments')),
        sa.ForeignKeyConstraint(['exam_part_id'], ['exam_parts.id'],
                                name=op.f('fk_convocations_exam_part_id_exam_parts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_convocations')),
        sa.UniqueConstraint('enrolment_id', 'exam_part_id', 'version',
                            name=op.f('uq_convocations_enrolment_id_exam_part_id_version')),
    )
    with op.batch_alter_table('convocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_convocations_enrolment_id'), ['enrolment_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_convocations_exam_part_id'), ['exam_part_id'],
                              unique=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('attachments')
    with op.batch_alter_table('convocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_convocations_exam_part_id'))
        batch_op.drop_index(batch_op.f('ix_convocations_enrolment_id'))
    op.drop_table('convocations')
