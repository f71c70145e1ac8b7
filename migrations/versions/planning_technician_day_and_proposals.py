"""planning: technicians' hours, start point, skills, cap; round proposals (issue 17)

Revision ID: planning_01
Revises: edges_flow_0002

"""
from alembic import op
import sqlalchemy as sa


revision = 'planning_01'
down_revision = 'edges_flow_0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('work_start', sa.Time(), nullable=True))
        batch.add_column(sa.Column('work_end', sa.Time(), nullable=True))
        batch.add_column(sa.Column('start_lat', sa.Float(), nullable=True))
        batch.add_column(sa.Column('start_lon', sa.Float(), nullable=True))
        batch.add_column(sa.Column('skills', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('round_cap', sa.Integer(), nullable=True))
    op.create_table('round_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chief_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('utility', sa.String(length=16), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('replan', sa.Boolean(), nullable=False),
    sa.Column('allow_moving', sa.Boolean(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('accepted', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('proposed', 'applied', 'dismissed')", name=op.f('ck_round_proposals_state_allowed')),
    sa.ForeignKeyConstraint(['chief_id'], ['users.id'], name=op.f('fk_round_proposals_chief_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_proposals'))
    )
    op.create_index('ix_round_proposals_chief_day', 'round_proposals', ['chief_id', 'day'], unique=False)


def downgrade():
    op.drop_index('ix_round_proposals_chief_day', table_name='round_proposals')
    op.drop_table('round_proposals')
    with op.batch_alter_table('users') as batch:
        for name in ('round_cap', 'skills', 'start_lon', 'start_lat', 'work_end', 'work_start'):
            batch.drop_column(name)
