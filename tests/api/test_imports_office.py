"""The admin's import page: upload, dry-run preview with progress, confirmation, result (DESIGN §10)."""
import io
import time

from sqlalchemy import select

from server.extensions import db
from server.models import Commune
from tests.conftest import csrf_token_from
from tests.integration.own_data_files import SAMPLES


def _wait_done(client, job_path: str) -> None:
    for _ in range(200):  # bounded: 20 s
        state = client.get(job_path + "/status").get_json()
        if state["status"] != "running":
            return
        time.sleep(0.1)
    raise AssertionError("import job still running after 20 s")


def _upload(client, kind: str, name: str, content: bytes):
    token = csrf_token_from(client.get("/admin/imports").get_data(as_text=True))
    return client.post("/admin/imports", data={"csrf_token": token, "kind": kind,
                                               "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_admin_previews_then_imports_an_xlsx_file(office, sqlite_demo_app):
    client = office("admin")
    response = _upload(client, "communes", "communes.xlsx", (SAMPLES / "water" / "communes.xlsx").read_bytes())
    assert response.status_code == 302
    job = response.headers["Location"]
    _wait_done(client, job)
    page = client.get(job).get_data(as_text=True)
    assert "Vérification réussie" in page and "XLSX (première feuille)" in page
    with sqlite_demo_app.app_context():
        assert db.session.scalar(select(Commune).where(Commune.code == "33318")) is None  # a preview only
    token = csrf_token_from(page)
    assert client.post(job + "/confirm", data={"csrf_token": token}).status_code == 302
    _wait_done(client, job)
    page = client.get(job).get_data(as_text=True)
    assert "Import terminé." in page
    with sqlite_demo_app.app_context():
        assert db.session.scalar(select(Commune.name).where(Commune.code == "33318")) == "Pessac"


def test_a_refused_file_shows_its_problems_and_cannot_be_confirmed(office, sqlite_demo_app):
    client = office("admin")
    content = "code;nom;eau\n33318;Pessac;peut-être\n".encode()
    job = _upload(client, "communes", "communes.csv", content).headers["Location"]
    _wait_done(client, job)
    page = client.get(job).get_data(as_text=True)
    assert "« peut-être » : oui ou non attendu" in page and "Importer ces données" not in page
    token = csrf_token_from(client.get("/admin/imports").get_data(as_text=True))
    client.post(job + "/confirm", data={"csrf_token": token})
    assert client.get(job + "/status").get_json()["status"] == "done"
    with sqlite_demo_app.app_context():
        assert db.session.scalar(select(Commune).where(Commune.code == "33318")) is None


def test_the_upload_form_refuses_other_files_in_french(office):
    client = office("admin")
    page = _upload(client, "communes", "photo.png", b"\x89PNG....").get_data(as_text=True)
    assert "Fichier CSV ou XLSX attendu." in page


def test_only_the_admin_reaches_the_import_pages(office):
    assert office("agent.eau").get("/admin/imports").status_code == 403
    assert office("admin").get("/admin/imports/" + "0" * 32).status_code == 404
