"""Migrations build the same schema as the models, on SQLite and PostgreSQL."""
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from server import create_app
from server.extensions import db


def _not_a_search_index(obj, name, type_, reflected, compare_to):
    """The dialect-specific search indexes (migration scale_0001) live in the migration only."""
    return not (type_ == "index" and name and name.endswith("_search"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    pg = request.getfixturevalue("pg_databases")
    name, url = pg.create()
    yield url
    pg.drop(name)


def test_upgrade_on_an_empty_database_matches_the_models(empty_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _not_a_search_index})
            with warnings.catch_warnings():  # SQLAlchemy cannot reflect lower(...) indexes: say so, skip them
                warnings.filterwarnings("ignore", message=r"Skipped unsupported reflection of expression-based "
                                        r"index \w+_search")
                diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
