"""Import files for the tests: the samples of fixtures/import and small files written on the fly."""
from datetime import datetime, timezone
from pathlib import Path

from server.services.own_data.importer import run_import

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
ORDER = ["communes", "tariffs", "customers", "points", "contacts", "meters", "readings", "contracts"]
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def import_samples(utility: str, extension: str = "csv", dry_run: bool = False) -> dict:
    return {kind: run_import(kind, SAMPLES / utility / f"{kind}.{extension}", user=None, now=NOW, dry_run=dry_run)
            for kind in ORDER}


def write_csv(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(kind: str, path: Path, dry_run: bool = False):
    return run_import(kind, path, user=None, now=NOW, dry_run=dry_run)
