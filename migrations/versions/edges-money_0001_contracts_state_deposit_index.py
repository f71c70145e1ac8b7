"""contracts: index on (state, deposit_amount) for the list of terminated contracts whose deposit was
neither refunded nor used (E8)

Revision ID: edges_money_0001
Revises: own_data_0002

"""
from alembic import op


revision = 'edges_money_0001'
down_revision = 'own_data_0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index('ix_contracts_state_deposit', ['state', 'deposit_amount'], unique=False)


def downgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_contracts_state_deposit')
