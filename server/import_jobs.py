"""Imports started from the office page run in a background thread, so the page can show their progress.

A job is a folder under `<instance>/imports/<job id>/` holding the uploaded file and `state.json` (status,
fraction read, result), rewritten atomically as the import goes: any worker of the same host can answer
the page's progress requests. The import itself is `services.own_data.importer.run_import`."""
import json
import os
import secrets
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask

from .errors import Conflict, DomainError
from .extensions import db

UPLOAD_NAME = "upload"
STATE_NAME = "state.json"
KEEP_UPLOAD_SECONDS = 24 * 3600


def _folder(app: Flask, job_id: str) -> Path:
    if not (job_id.isalnum() and len(job_id) == 32):
        raise KeyError(job_id)
    return Path(app.config["INSTANCE_PATH"]) / "imports" / job_id


def save_upload(app: Flask, stream, filename: str) -> str:
    """Store the uploaded file in a new job folder; the job id (random, 32 hex characters). Uploads hold
    personal data (W24): those of jobs over a day old go first."""
    _forget_old_uploads(app)
    job_id = secrets.token_hex(16)
    folder = _folder(app, job_id)
    folder.mkdir(parents=True)
    with open(folder / UPLOAD_NAME, "wb") as out:
        while chunk := stream.read(1 << 20):
            out.write(chunk)
    _write(folder, {"filename": filename, "status": "uploaded", "fraction": 0.0, "result": None})
    return job_id


def start_job(app: Flask, job_id: str, kind: str, user_id: int, dry_run: bool) -> None:
    """Run the import of the job's file in a thread (a dry run first, the real one once confirmed)."""
    app = getattr(app, "_get_current_object", lambda: app)()  # the thread outlives the request's proxy
    folder = _folder(app, job_id)
    state = read_job(app, job_id)
    if state is None:
        raise KeyError(job_id)
    if state["status"] == "running":
        raise Conflict("Ce fichier est déjà en cours de traitement.")
    if not (folder / UPLOAD_NAME).exists():
        raise DomainError("Le fichier n'est plus disponible (traité ou déposé il y a plus d'un jour) : "
                          "déposez-le de nouveau.")
    state.update(status="running", kind=kind, dry_run=dry_run, fraction=0.0, result=None, error=None)
    _write(folder, state)

    def work():
        from .models import User
        from .services.own_data.importer import run_import
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                result = run_import(kind, folder / UPLOAD_NAME, user=user, now=datetime.now(timezone.utc),
                                    dry_run=dry_run, source_name=state["filename"],
                                    progress=lambda fraction: _write(folder, {**state, "fraction": fraction}))
                _write(folder, {**state, "status": "done", "fraction": 1.0, "result": result.as_dict()})
                if not dry_run or not result.ok:  # imported, or refused: nothing more to do with the file
                    (folder / UPLOAD_NAME).unlink(missing_ok=True)
            except DomainError as err:
                _write(folder, {**state, "status": "failed", "error": err.message})
            except Exception as err:  # reported on the page; the import rolled back
                app.logger.exception("import job %s failed", job_id)
                _write(folder, {**state, "status": "failed", "error": f"Erreur inattendue ({type(err).__name__})."})
            finally:
                db.session.remove()
    threading.Thread(target=work, name=f"import-{job_id[:8]}", daemon=True).start()


def _forget_old_uploads(app: Flask) -> None:
    root = Path(app.config["INSTANCE_PATH"]) / "imports"
    if not root.is_dir():
        return
    limit = time.time() - KEEP_UPLOAD_SECONDS
    for upload in root.glob(f"*/{UPLOAD_NAME}"):
        if upload.stat().st_mtime < limit:
            upload.unlink(missing_ok=True)


def read_job(app: Flask, job_id: str) -> dict | None:
    try:
        return json.loads((_folder(app, job_id) / STATE_NAME).read_text(encoding="utf-8"))
    except (KeyError, FileNotFoundError):
        return None


def _write(folder: Path, state: dict) -> None:
    temporary = folder / (STATE_NAME + ".tmp")
    temporary.write_text(json.dumps(state, default=str), encoding="utf-8")
    os.replace(temporary, folder / STATE_NAME)
