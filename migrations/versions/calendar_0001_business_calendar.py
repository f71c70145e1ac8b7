"""calendar: the business calendar administered in the office (issue 13 item 2, W19)

Revision ID: calendar_0001
Revises: scale_0002

"""
from alembic import op
import sqlalchemy as sa


revision = 'calendar_0001'
down_revision = 'scale_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('day_off', 'worked')", name=op.f('ck_calendar_days_kind_allowed')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_days')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_days_day'))
    )
    op.create_table('calendar_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("calendar IN ('fr-working-days', 'calendar-days')",
                       name=op.f('ck_calendar_settings_calendar_allowed')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_settings'))
    )


def downgrade():
    op.drop_table('calendar_settings')
    op.drop_table('calendar_days')
