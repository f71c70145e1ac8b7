"""indexes for the dossiers late on their timeline (work queue)

Revision ID: queue_0001
Revises: calendar_0001
"""
from alembic import op

revision = "queue_0001"
down_revision = "calendar_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index("ix_dossiers_type_state_requested", ["type", "state", "requested_on"], unique=False)
        batch_op.create_index("ix_dossiers_type_state_planned", ["type", "state", "planned_on"], unique=False)


def downgrade():
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_type_state_planned")
        batch_op.drop_index("ix_dossiers_type_state_requested")
