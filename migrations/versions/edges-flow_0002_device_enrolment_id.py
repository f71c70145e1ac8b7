"""devices: the tablet's own enrolment id, once per user (idempotent enrolment); dossiers: the dossier a
DEP continues (one customer request, W23)

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


def downgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossiers_origin_id_dossiers'), type_='foreignkey')
        batch_op.drop_column('origin_id')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_devices_user_id'), type_='unique')
        batch_op.drop_column('enrolment_id')
