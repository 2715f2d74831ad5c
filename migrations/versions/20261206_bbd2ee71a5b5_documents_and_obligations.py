"""documents and obligations: issued documents, CPF declarations, retention

``issued_documents``: the attestations of blocs and the certificates, each with its
verification code, the facts it prints, its sealed PDF and its Open Badges credential,
and its revocation. ``cpf_exports``, ``cpf_reports`` and ``cpf_declarations``: the files
sent to and received from the Caisse des Dépôts, and where each holder's declaration
stands. ``retention_periods`` and ``retention_purges``: the certifier's periods and the
record of what was purged. New tables only: the downgrade drops them.

Revision ID: bbd2ee71a5b5
Revises: 3e9a7c1b5d02
Create Date: 2026-12-06 22:19:38.217640

"""
from alembic import op
import sqlalchemy as sa


revision = 'bbd2ee71a5b5'
down_revision = '3e9a7c1b5d02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cpf_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_flux', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('declared', sa.Integer(), nullable=False),
    sa.Column('left_out', sa.JSON(), nullable=False),
    sa.CheckConstraint('date_to >= date_from', name=op.f('ck_cpf_exports_range_in_order')),
    sa.CheckConstraint('declared > 0', name=op.f('ck_cpf_exports_declares_someone')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_cpf_exports_sha256_length')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cpf_exports_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpf_exports')),
    sa.UniqueConstraint('id_flux', name=op.f('uq_cpf_exports_id_flux'))
    )
    op.create_table('retention_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('papers', 'observations', 'health_documents', 'minutes', 'attestations', 'awards', name='retention_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('months BETWEEN 1 AND 1200', name=op.f('ck_retention_periods_months_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_periods_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_periods')),
    sa.UniqueConstraint('kind', name=op.f('uq_retention_periods_kind'))
    )
    op.create_table('cpf_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('id_flux', sa.String(length=50), nullable=True),
    sa.Column('export_id', sa.Integer(), nullable=True),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('stale', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_cpf_reports_sha256_length')),
    sa.ForeignKeyConstraint(['export_id'], ['cpf_exports.id'], name=op.f('fk_cpf_reports_export_id_cpf_exports')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_cpf_reports_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpf_reports')),
    sa.UniqueConstraint('sha256', name=op.f('uq_cpf_reports_sha256'))
    )
    op.create_table('retention_purges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('papers', 'observations', 'health_documents', 'minutes', 'attestations', 'awards', name='retention_purge_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('purged_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('blobs_deleted', sa.Integer(), nullable=False),
    sa.Column('pending_keys', sa.JSON(none_as_null=True), nullable=True),
    sa.CheckConstraint('item_count > 0', name=op.f('ck_retention_purges_purged_something')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_retention_purges_actor_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['certification_sessions.id'], name=op.f('fk_retention_purges_session_id_certification_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_purges'))
    )
    with op.batch_alter_table('retention_purges', schema=None) as batch_op:
        batch_op.create_index('ix_retention_purges_purged_at', ['purged_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_purges_session_id'), ['session_id'], unique=False)

    op.create_table('cpf_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('id_technique', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('sent', 'accepted', 'rejected', name='cpf_declaration_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_cpf_declarations_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['export_id'], ['cpf_exports.id'], name=op.f('fk_cpf_declarations_export_id_cpf_exports')),
    sa.ForeignKeyConstraint(['report_id'], ['cpf_reports.id'], name=op.f('fk_cpf_declarations_report_id_cpf_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpf_declarations')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_cpf_declarations_enrolment_id')),
    sa.UniqueConstraint('id_technique', name=op.f('uq_cpf_declarations_id_technique'))
    )
    with op.batch_alter_table('cpf_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cpf_declarations_export_id'), ['export_id'], unique=False)

    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('bloc_attestation', 'certificate', name='document_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('badge_jwt', sa.Text(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(kind = 'certificate') = (block_id IS NULL)", name=op.f('ck_issued_documents_bloc_iff_attestation')),
    sa.CheckConstraint('(revoked_at IS NULL) = (revocation_reason IS NULL)', name=op.f('ck_issued_documents_revocation_has_reason')),
    sa.ForeignKeyConstraint(['block_id'], ['blocks.id'], name=op.f('fk_issued_documents_block_id_blocks')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_issued_documents_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_issued_documents_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
    sa.UniqueConstraint('code', name=op.f('uq_issued_documents_code'))
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index('uq_issued_documents_bloc', ['enrolment_id', 'block_id'], unique=True, sqlite_where=sa.text("kind = 'bloc_attestation'"), postgresql_where=sa.text("kind = 'bloc_attestation'"))
        batch_op.create_index('uq_issued_documents_title', ['enrolment_id'], unique=True, sqlite_where=sa.text("kind = 'certificate'"), postgresql_where=sa.text("kind = 'certificate'"))



def downgrade():
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index('uq_issued_documents_title', sqlite_where=sa.text("kind = 'certificate'"), postgresql_where=sa.text("kind = 'certificate'"))
        batch_op.drop_index('uq_issued_documents_bloc', sqlite_where=sa.text("kind = 'bloc_attestation'"), postgresql_where=sa.text("kind = 'bloc_attestation'"))
        batch_op.drop_index(batch_op.f('ix_issued_documents_enrolment_id'))

    op.drop_table('issued_documents')
    with op.batch_alter_table('cpf_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cpf_declarations_export_id'))

    op.drop_table('cpf_declarations')
    with op.batch_alter_table('retention_purges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_purges_session_id'))
        batch_op.drop_index('ix_retention_purges_purged_at')

    op.drop_table('retention_purges')
    op.drop_table('cpf_reports')
    op.drop_table('retention_periods')
    op.drop_table('cpf_exports')
