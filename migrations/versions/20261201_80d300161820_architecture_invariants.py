"""architecture invariants

Invariants in the database: one active job per session and kind, one live file per
submission, statuses tied to their timestamps, levels among the scales' codes, versioned
exam parts, an append-only audit trail, throttle rows with their kind, and the
notification state "sending".

Rows that would break a new rule are mended first (an older duplicate active job is
marked failed, an older duplicate live file superseded), so the upgrade never fails
on a database that the earlier code filled.

Revision ID: 80d300161820
Revises: 70bc21530081
Create Date: 2026-12-01 23:50:40.948069

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '80d300161820'
down_revision = '70bc21530081'
branch_labels = None
depends_on = None

ACTIVE_JOB = "status IN ('queued', 'running')"
LIVE_FILE = "superseded_at IS NULL"
NOTIFICATION_STATUSES = ("pending", "sending", "sent", "failed")

SQLITE_AUDIT = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)
POSTGRESQL_AUDIT = (
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'P0001'; END $$",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)


def _in(values):
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name

    # -- level codes: every code of every stored scale (and any level already given) --
    op.create_table('level_codes',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_level_codes'))
    )
    codes = set()
    for (data,) in bind.execute(sa.text("SELECT data FROM referential_versions")):
        data = json.loads(data) if isinstance(data, str) else (data or {})
        codes.update(str(lv["code"]) for lv in (data.get("scale") or {}).get("levels") or ())
    codes.update(level for (level,) in bind.execute(sa.text(
        "SELECT DISTINCT level FROM criterion_marks WHERE level IS NOT NULL")))
    if codes:
        op.bulk_insert(sa.table('level_codes', sa.column('code', sa.String)),
                       [{"code": c} for c in sorted(codes)])
    with op.batch_alter_table('criterion_marks', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_criterion_marks_level_level_codes'), 'level_codes', ['level'], ['code'])

    # -- exam parts: a version for the stale-edit check of the calendar --
    with op.batch_alter_table('exam_parts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    # -- jobs: one active per session and kind; finished ones carry their time --
    op.execute(f"""
        UPDATE jobs SET status = 'failed', finished_at = CURRENT_TIMESTAMP,
               message = 'superseded by a later job of the same session'
        WHERE {ACTIVE_JOB} AND id NOT IN (
            SELECT max_id FROM (SELECT MAX(id) AS max_id FROM jobs WHERE {ACTIVE_JOB}
                                GROUP BY session_id, kind) AS latest)""")
    op.execute("UPDATE jobs SET finished_at = COALESCE(started_at, created_at) "
               "WHERE status IN ('done', 'failed') AND finished_at IS NULL")
    op.execute("UPDATE jobs SET finished_at = NULL "
               "WHERE status NOT IN ('done', 'failed') AND finished_at IS NOT NULL")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('uq_jobs_active_session_kind', ['session_id', 'kind'], unique=True, sqlite_where=sa.text(ACTIVE_JOB), postgresql_where=sa.text(ACTIVE_JOB))
        batch_op.create_check_constraint(op.f('ck_jobs_finished_has_time'), "(status IN ('done', 'failed')) = (finished_at IS NOT NULL)")

    # -- stored files: one live file per submission --
    op.execute(f"""
        UPDATE stored_files SET superseded_at = uploaded_at
        WHERE {LIVE_FILE} AND submission_id IS NOT NULL AND id NOT IN (
            SELECT max_id FROM (SELECT MAX(id) AS max_id FROM stored_files WHERE {LIVE_FILE}
                                GROUP BY submission_id) AS latest)""")
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index('uq_stored_files_live_per_submission', ['submission_id'], unique=True, sqlite_where=sa.text(LIVE_FILE), postgresql_where=sa.text(LIVE_FILE))

    # -- statuses tied to their timestamps --
    op.execute("UPDATE grading_sheets SET submitted_at = updated_at "
               "WHERE status = 'submitted' AND submitted_at IS NULL")
    with op.batch_alter_table('grading_sheets', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_grading_sheets_submitted_has_time'), "(status = 'submitted') = (submitted_at IS NOT NULL)")
    op.execute("UPDATE certification_sessions SET results_published_at = created_at "
               "WHERE status = 'results_published' AND results_published_at IS NULL")
    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_certification_sessions_published_has_time'), "(status = 'results_published') = (results_published_at IS NOT NULL)")

    # -- notifications: "sending" (claimed, not yet accepted by the mail server) --
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f('ck_notifications_notification_status'), type_='check')
    op.execute("UPDATE notifications SET claimed_at = sent_at WHERE status = 'sent'")
    op.execute("UPDATE notifications SET sent_at = created_at "
               "WHERE status = 'sent' AND sent_at IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_notifications_notification_status'), f"status IN {_in(NOTIFICATION_STATUSES)}")
        batch_op.create_check_constraint(op.f('ck_notifications_sent_has_time'), "(status = 'sent') = (sent_at IS NOT NULL)")
        batch_op.create_check_constraint(op.f('ck_notifications_sending_has_claim'), "status != 'sending' OR claimed_at IS NOT NULL")

    # -- throttle rows say their kind (reset requests were stored as "reset:<email>") --
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=40), nullable=False, server_default='login'))
    op.execute("UPDATE login_failures SET kind = 'reset', email = substr(email, 7) "
               "WHERE email LIKE 'reset:%'")
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_login_failures_throttle_kind'), "kind IN ('login', 'reset')")
        batch_op.drop_index(batch_op.f('ix_login_failures_address_at'))
        batch_op.drop_index(batch_op.f('ix_login_failures_email_at'))
        batch_op.create_index('ix_login_failures_kind_address_at', ['kind', 'address', 'at'], unique=False)
        batch_op.create_index('ix_login_failures_kind_email_at', ['kind', 'email', 'at'], unique=False)

    # -- the audit trail refuses UPDATE and DELETE, whoever sends them --
    for statement in {"sqlite": SQLITE_AUDIT, "postgresql": POSTGRESQL_AUDIT}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_kind_email_at')
        batch_op.drop_index('ix_login_failures_kind_address_at')
        batch_op.create_index(batch_op.f('ix_login_failures_email_at'), ['email', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_address_at'), ['address', 'at'], unique=False)
        batch_op.drop_constraint(op.f('ck_login_failures_throttle_kind'), type_='check')
    op.execute("UPDATE login_failures SET email = substr('reset:' || email, 1, 254) "
               "WHERE kind = 'reset'")
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_sending_has_claim'), type_='check')
        batch_op.drop_constraint(op.f('ck_notifications_sent_has_time'), type_='check')
        batch_op.drop_constraint(op.f('ck_notifications_notification_status'), type_='check')
    # The earlier code had no "sending": a claimed row was marked "sent" at its claim.
    op.execute("UPDATE notifications SET status = 'sent', sent_at = claimed_at "
               "WHERE status = 'sending'")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_notifications_notification_status'), "status IN ('pending', 'sent', 'failed')")
        batch_op.drop_column('claimed_at')

    with op.batch_alter_table('certification_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certification_sessions_published_has_time'), type_='check')
    with op.batch_alter_table('grading_sheets', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_grading_sheets_submitted_has_time'), type_='check')

    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index('uq_stored_files_live_per_submission', sqlite_where=sa.text(LIVE_FILE), postgresql_where=sa.text(LIVE_FILE))

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_jobs_finished_has_time'), type_='check')
        batch_op.drop_index('uq_jobs_active_session_kind', sqlite_where=sa.text(ACTIVE_JOB), postgresql_where=sa.text(ACTIVE_JOB))

    with op.batch_alter_table('exam_parts', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('criterion_marks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_criterion_marks_level_level_codes'), type_='foreignkey')

    op.drop_table('level_codes')
