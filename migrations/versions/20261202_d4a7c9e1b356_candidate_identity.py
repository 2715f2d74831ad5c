"""candidate identity

The identity the CPF declaration needs, kept per centre on the candidate: birth and
usage names, up to three first names, sex, place of birth (INSEE code, postal code,
commune, country). Existing candidates get their account's names as birth name and
first first name, and France as country of birth, which the centre can correct.

Revision ID: d4a7c9e1b356
Revises: b2e8f4a6c1d9
Create Date: 2026-12-02 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a7c9e1b356'
down_revision = 'b2e8f4a6c1d9'
branch_labels = None
depends_on = None

NAME_COLUMNS = ('birth_name', 'usage_name', 'first_name_1', 'first_name_2', 'first_name_3')


def upgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        for name in NAME_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('birth_insee_code', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('birth_postal_code', sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column('birth_commune', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('birth_country_code', sa.String(length=3), nullable=True))
        batch_op.create_check_constraint(op.f('ck_candidates_sex_m_or_f'), "sex IS NULL OR sex IN ('M', 'F')")
    op.execute(
        "UPDATE candidates SET "
        "birth_name = (SELECT substr(last_name, 1, 60) FROM users WHERE users.id = candidates.user_id), "
        "first_name_1 = (SELECT substr(first_name, 1, 60) FROM users WHERE users.id = candidates.user_id), "
        "birth_country_code = '100'"
    )


def downgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_candidates_sex_m_or_f'), type_='check')
        for name in ('birth_country_code', 'birth_commune', 'birth_postal_code',
                     'birth_insee_code', 'sex') + tuple(reversed(NAME_COLUMNS)):
            batch_op.drop_column(name)
