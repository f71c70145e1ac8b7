"""devices: the tablet's own enrolment id, once per user (idempotent enrolment); dossiers: the dossier a
DEP continues (one customer request, W23); prepayments on account (E1); orders: the requester's signature recorded after the order exists (E2)

Revision ID: edges_flow_0002
Revises: 0001

"""
from alembic import op
import sqlalchemy as sa


revision = 'edges_flow_0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolment_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_devices_user_id'), ['user_id', 'enrolment_id'])
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_dossiers_origin_id_dossiers'), 'dossiers', ['origin_id'], ['id'])


    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requester_signed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('requester_signature', sa.JSON(), nullable=True))
    op.create_table('prepayments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('payer_name', sa.String(length=200), nullable=False),
    sa.Column('payer_identity', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('used_by_invoice_id', sa.Integer(), nullable=True),
    sa.Column('cashier_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('available', 'used')", name=op.f('ck_prepayments_state_allowed')),
    sa.ForeignKeyConstraint(['cashier_id'], ['users.id'], name=op.f('fk_prepayments_cashier_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_prepayments_contract_id_contracts')),
    sa.ForeignKeyConstraint(['used_by_invoice_id'], ['invoices.id'], name=op.f('fk_prepayments_used_by_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prepayments'))
    )
    with op.batch_alter_table('prepayments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepayments_contract_id'), ['contract_id'], unique=False)


def downgrade():
    op.drop_table('prepayments')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('requester_signature')
        batch_op.drop_column('requester_signed_at')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossiers_origin_id_dossiers'), type_='foreignkey')
        batch_op.drop_column('origin_id')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_devices_user_id'), type_='unique')
        batch_op.drop_column('enrolment_id')
