"""scoping: who uploaded each blob; wrong countersignature proofs per technician and chief

Revision ID: scoping_0002
Revises: edges_money_0001

"""
from alembic import op
import sqlalchemy as sa


revision = 'scoping_0002'
down_revision = 'edges_money_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blob_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256', 'user_id', name='uq_blob_uploads_sha_user')
    )
    with op.batch_alter_table('blob_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blob_uploads_user_id'), ['user_id'], unique=False)
    op.create_table('countersign_guesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chief_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['chief_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['technician_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chief_id', 'technician_id', name='uq_countersign_guesses_pair')
    )
    with op.batch_alter_table('countersign_guesses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_countersign_guesses_technician_id'), ['technician_id'], unique=False)


def downgrade():
    with op.batch_alter_table('countersign_guesses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_countersign_guesses_technician_id'))
    op.drop_table('countersign_guesses')
    with op.batch_alter_table('blob_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blob_uploads_user_id'))
    op.drop_table('blob_uploads')
