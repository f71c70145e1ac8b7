"""A migration that fails halfway leaves the database exactly as it was (SQLite and PostgreSQL): its
new table is gone, its data change undone, the schema revision unchanged."""
import shutil

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.config import Config
from flask_migrate import stamp, upgrade

from server.config import PROJECT_ROOT
from server.extensions import db
from server.models import User
from server.services.operations.upgrades import SUFFIX

pytestmark = pytest.mark.fault

BROKEN = '''"""A migration that breaks halfway (test only)."""
from alembic import op
import sqlalchemy as sa

revision = "zz_broken"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE users SET name = 'ÉCRASÉ'")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("nickname", sa.String(20)))
    op.execute("SELECT * FROM no_such_table")


def downgrade():
    pass
'''


def broken_migrations(tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(PROJECT_ROOT / "migrations", folder, ignore=shutil.ignore_patterns("__pycache__"))
    config = Config(str(folder / "alembic.ini"))
    config.set_main_option("script_location", str(folder))
    (head,) = ScriptDirectory.from_config(config).get_heads()
    (folder / "versions" / "zz_broken.py").write_text(BROKEN.format(head=head))
    return folder, head


def test_a_migration_failing_halfway_leaves_the_database_as_it_was(app, tmp_path):
    folder, head = broken_migrations(tmp_path)
    with app.app_context():
        stamp(directory=str(folder), revision=head)
        db.session.add(User(login="agent.x", name="Agent X", role="agent", password_hash="x"))
        db.session.commit()
        db.session.remove()
        with pytest.raises(sa.exc.DBAPIError, match="no_such_table"):   # the last step, not an earlier one
            upgrade(directory=str(folder))
        db.engine.dispose()
        inspector = sa.inspect(db.engine)
        assert "half_done" not in inspector.get_table_names()
        assert "nickname" not in {c["name"] for c in inspector.get_columns("users")}
        assert db.session.execute(sa.text("SELECT name FROM users")).scalars().all() == ["Agent X"]
        assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head
        if db.engine.dialect.name == "sqlite":
            assert (tmp_path / ("db.sqlite3" + SUFFIX)).exists()
        db.session.remove()
        db.engine.dispose()
