"""The blob disk full during an upload (a small tmpfs mounted for the test): 507 with a clear French
reason, no partial file visible anywhere, and the same upload accepted once space returns."""
import hashlib
import io
import os
import random
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE

pytestmark = pytest.mark.fault
DISK_BYTES = 512 * 1024


def noisy_png(side: int = 200) -> bytes:
    """An image that does not compress: about side² × 3 bytes."""
    rng = random.Random(16)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def small_disk(sqlite_app):
    """The app's blob folder on its own 512 KB tmpfs, unmounted afterwards."""
    folder = Path(sqlite_app.config["BLOB_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield sqlite_app, folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def fill(folder: Path, leave: int) -> Path:
    """A filler file taking all the space but `leave` bytes."""
    filler = folder / "filler"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler


def test_disk_full_during_an_upload_gives_507_leaves_nothing_and_is_accepted_later(small_disk):
    app, folder = small_disk
    with app.app_context():
        build_world(with_office=False)
    client = app.test_client()
    data = noisy_png()
    sha = hashlib.sha256(data).hexdigest()
    assert 100_000 < len(data) < DISK_BYTES // 3
    filler = fill(folder, leave=len(data) // 2)

    def put():
        return client.put(f"/api/v1/blobs/{sha}", data=data, headers={**auth(ALICE), "Content-Type": "image/png"})

    for _ in range(2):  # a resend in the same state gets the same clear answer
        answer = put()
        assert answer.status_code == 507
        assert answer.json["error"] == "insufficient_storage"
        assert "Espace de stockage du serveur saturé" in answer.json["message"]
    assert client.head(f"/api/v1/blobs/{sha}", headers=auth(ALICE)).status_code == 404
    leftovers = [p for p in folder.rglob("*") if p.is_file() and p != filler]
    assert leftovers == [], leftovers

    filler.unlink()
    answer = put()
    assert answer.status_code == 201, answer.json
    stored = folder / sha[:2] / sha
    assert stored.read_bytes() == data
    assert client.head(f"/api/v1/blobs/{sha}", headers=auth(ALICE)).status_code == 200
