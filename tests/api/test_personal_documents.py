"""Personal documents (PDFs, CSV exports, photos, office pages, the tablet API's answers) are never cached: `Cache-Control: private, no-store`; the app's
own files keep their caching (issue 12). On SQLite and PostgreSQL, with a world built here."""
import hashlib
import io
from pathlib import Path

import pytest

from server.blobs import DiskBlobStore
from server.extensions import db
from server.models import Report
from tests.api.scope_world import build_scope_world, login_of, token_of
from tests.conftest import sign_in

PNG = (Path(__file__).resolve().parents[2] / "fixtures" / "sync" / "blobs" / "signature.png").read_bytes()


@pytest.fixture
def world(app):
    with app.app_context():
        built = build_scope_world()
        sha = hashlib.sha256(PNG).hexdigest()
        DiskBlobStore(app.config["BLOB_DIR"], 10**7).save(sha, io.BytesIO(PNG))
        report = db.session.get(Report, built["objects"]["water"]["report_id"])
        report.content = {**report.content, "answers": {"photo_index": [sha]},
                          "attachments": [{"sha256": sha, "field": "photo_index", "kind": "photo",
                                           "content_type": "image/png", "size": len(PNG)}]}
        db.session.commit()
        built["photo"] = sha
        db.session.remove()
    return built


def test_pdfs_exports_and_photos_are_private_and_not_stored(app, world):
    client = app.test_client()
    sign_in(client, "admin")
    ids = world["objects"]["water"]
    for path in (f"/orders/{ids['order_id']}/pdf", f"/invoices/{ids['invoice_id']}/pdf", "/invoices/transfers.csv",
                 "/indicators.csv", f"/reports/{ids['report_id']}/blobs/{world['photo']}"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "private, no-store", path
    assert "no-store" not in app.test_client().get("/app/sw.js").headers.get("Cache-Control", "")


def test_office_pages_and_tablet_answers_naming_customers_are_not_stored(app, world):
    """A shared office PC's or a lost tablet's disk cache keeps no customer page or pull page."""
    office = app.test_client()
    sign_in(office, "admin")
    customer_page = office.get(f"/customers/{world['objects']['water']['customer_id']}")
    assert customer_page.status_code == 200
    assert "ClientWater" in customer_page.get_data(as_text=True)
    assert customer_page.headers["Cache-Control"] == "private, no-store"
    technician = login_of("technician", "water")
    pulled = app.test_client().get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token_of(technician)}"})
    assert pulled.status_code == 200, pulled.get_data(as_text=True)
    assert pulled.headers["Cache-Control"] == "private, no-store"
    shell = app.test_client().get("/app/")
    assert "no-store" not in shell.headers.get("Cache-Control", "")
