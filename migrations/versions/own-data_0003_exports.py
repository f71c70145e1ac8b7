"""Export feed for billing: integration clients and the change log; customers' pseudonymisation date (W24);
users' forced password change
(issue 13).

Revision ID: own_data_0002
Revises: planning_01
"""
from alembic import op
import sqlalchemy as sa

revision = "own_data_0002"
down_revision = "planning_01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "integration_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_integration_clients_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_integration_clients_token_hash")),
    )
    op.create_table(
        "export_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_export_events_seq")),
    )
    with op.batch_alter_table("export_events") as batch_op:
        batch_op.create_index("ix_export_events_type_seq", ["object_type", "seq"], unique=False)
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("pseudonymised_at")
    with op.batch_alter_table("export_events") as batch_op:
        batch_op.drop_index("ix_export_events_type_seq")
    op.drop_table("export_events")
    op.drop_table("integration_clients")
