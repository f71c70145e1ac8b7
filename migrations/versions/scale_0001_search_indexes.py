"""customer search indexes: trigram (PostgreSQL) and lower-case prefix (SQLite)

Revision ID: scale_0001
Revises: edges_money_0001

The search of the office (services.intake.customers.search_customers) looks each criterion up on one
table. These indexes are dialect-specific, so they live in this migration only (not in the models);
their names end in `_search` and tests/integration/test_migrations.py leaves them out of the
models-versus-migrations comparison.
"""
from alembic import op

revision = "scale_0001"
down_revision = "scoping_0002"
branch_labels = None
depends_on = None

TRIGRAM = [("customers", "last_name"), ("customers", "first_name"), ("delivery_points", "address")]
CODES = [("customers", "ref"), ("contracts", "number"), ("meters", "serial"), ("invoices", "number")]
LOWER = [("customers", "last_name"), ("customers", "first_name")]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in TRIGRAM:
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm_search "
                       f"ON {table} USING gin ({column} gin_trgm_ops)")
        for table, column in CODES:  # LIKE 'AB12%' whatever the database's collation
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_prefix_search "
                       f"ON {table} ({column} text_pattern_ops)")
    else:
        for table, column in LOWER:
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_lower_search ON {table} (lower({column}))")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        names = [f"ix_{t}_{c}_trgm_search" for t, c in TRIGRAM] + [f"ix_{t}_{c}_prefix_search" for t, c in CODES]
    else:
        names = [f"ix_{t}_{c}_lower_search" for t, c in LOWER]
    for name in names:
        op.execute(f"DROP INDEX IF EXISTS {name}")
