"""certification settings

The certification as the certifier registered it (one row): RNCP code, expiry date,
validity of acquired blocs, certifier's name, CPF identifiers.

Revision ID: b2e8f4a6c1d9
Revises: 9c3d5e7f1a24
Create Date: 2026-12-02 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2e8f4a6c1d9'
down_revision = '9c3d5e7f1a24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rncp_code', sa.String(length=20), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('bloc_validity_years', sa.Integer(), nullable=True),
    sa.Column('certifier_name', sa.String(length=200), nullable=True),
    sa.Column('cpf_id_client', sa.String(length=8), nullable=True),
    sa.Column('cpf_id_contrat', sa.String(length=20), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_certification_single_row')),
    sa.CheckConstraint('bloc_validity_years IS NULL OR bloc_validity_years > 0', name=op.f('ck_certification_positive_validity')),
    sa.CheckConstraint('cpf_id_client IS NULL OR length(cpf_id_client) = 8', name=op.f('ck_certification_cpf_id_client_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification'))
    )


def downgrade():
    op.drop_table('certification')
