"""Migrations run forward from every released schema with data in it: the demo (with synced reports and a
seal) loaded on that revision's schema, upgraded to the newest, then checked (SQLite and PostgreSQL)."""
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.services.operations.integrity import verify_instance
from tests.conftest import sign_in
from tests.upgrade_snapshots import load, read, released_revisions


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
        return
    pg = request.getfixturevalue("pg_databases")
    name, url = pg.create()
    yield url
    pg.drop(name)


@pytest.mark.parametrize("revision", released_revisions())
def test_the_demo_on_a_released_schema_upgrades_to_the_newest(revision, empty_url, tmp_path):
    snapshot = read(revision)
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "TESTING": True, "ACCESS_LOG": False})
    with app.app_context():
        upgrade(revision=revision)
        with db.engine.begin() as connection:
            loaded = load(connection, snapshot)
        upgrade()
        result = verify_instance(tmp_path / "blobs", expected_tables=loaded)
        assert result.count_differences == {} and result.broken_seals == [] and result.seals >= 1
        assert db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == newest_revision()
        for mapper in db.Model.registry.mappers:  # every model reads its rows on the upgraded schema
            db.session.scalars(select(mapper.class_).limit(5)).all()
        db.session.remove()
    client = app.test_client()
    assert sign_in(client, "agent.eau").status_code == 302
    for page in ("/", "/customers", "/reports", "/dossiers", "/orders"):
        assert client.get(page).status_code == 200, page
    with app.app_context():
        db.engine.dispose()


def newest_revision() -> str:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()
