"""session lifecycle

The session's seven states (draft, enrolment, exams, grading, deliberation, published,
closed) instead of three, and épreuve parts taken remotely. The earlier states map to
what they allowed: « open » (enrolments, hand-ins and grading all allowed) to « exams »,
« results computed » to « deliberation », « results published » to « published ».

Revision ID: 9c3d5e7f1a24
Revises: 4f1e2c9a7b30
Create Date: 2026-12-02 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c3d5e7f1a24'
down_revision = '4f1e2c9a7b30'
branch_labels = None
depends_on = None

NEW_STATES = ("draft", "enrolment", "exams", "grading", "deliberation", "published", "closed")
OLD_STATES = ("open", "results_computed", "results_published")
UP = {"open": "exams", "results_computed": "deliberation", "results_published": "published"}
# Down, each new state to the old one that allowed the most of what it allows.
DOWN = {"draft": "open", "enrolment": "open", "exams": "open", "grading": "open",
        "deliberation": "results_computed", "published": "results_published",
        "closed": "results_published"}


def _in(values):
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _remap(mapping):
    for old, new in mapping.items():
        op.execute(f"UPDATE certification_sessions SET status = '{new}' WHERE status = '{old}'")


def upgrade():
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certification_sessions_session_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_certification_sessions_published_has_time'), type_='check')
    _remap(UP)
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_certification_sessions_session_status'), f"status IN {_in(NEW_STATES)}")
        batch_op.create_check_constraint(op.f('ck_certification_sessions_published_has_time'), "(status IN ('published', 'closed')) = (results_published_at IS NOT NULL)")

    with op.batch_alter_table('exam_parts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('exam_parts', schema=None) as batch_op:
        batch_op.drop_column('remote')

    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certification_sessions_session_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_certification_sessions_published_has_time'), type_='check')
    _remap(DOWN)
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_certification_sessions_session_status'), f"status IN {_in(OLD_STATES)}")
        batch_op.create_check_constraint(op.f('ck_certification_sessions_published_has_time'), "(status = 'results_published') = (results_published_at IS NOT NULL)")
