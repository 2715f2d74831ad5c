"""notification centre, dead letters and e-mail preferences

In-app notification centre: a notification is read (``read_at``) and links to its page
(``link``). Outbox rows that failed too often are set aside (``dead_at``) until an admin
retries them. Users may opt out of the optional e-mails by kind (``email_opt_outs``).

Revision ID: 7a1c3e5f9b20
Revises: 5c511bf6bb6c
Create Date: 2026-12-03 06:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7a1c3e5f9b20'
down_revision = '5c511bf6bb6c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('link', sa.String(length=500), nullable=True))
        batch_op.create_index('ix_notifications_unread', ['recipient_id', 'read_at'],
                              unique=False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dead_at', sa.DateTime(), nullable=True))
    op.create_table('email_opt_outs',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_opt_outs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_email_opt_outs'))
    )


def downgrade():
    op.drop_table('email_opt_outs')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('dead_at')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_unread')
        batch_op.drop_column('link')
        batch_op.drop_column('read_at')
