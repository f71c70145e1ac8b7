"""The blob folder as files: content-addressed names under ab/abcdef…, read without the web layer."""
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from sync.fields import SHA256_RE

CHUNK = 1024 * 1024


def blob_path(root: str | Path, sha256: str) -> Path:
    return Path(root) / sha256[:2] / sha256


def blob_names(root: str | Path):
    """(name, path) of every stored blob; temporary files and strays are skipped."""
    root = Path(root)
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if len(folder.name) != 2 or not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if SHA256_RE.match(path.name) and path.name.startswith(folder.name):
                yield path.name, path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_atomically(source: Path, target: Path) -> None:
    """Copy through a temporary name in the target folder, fsync'ed, then renamed: never half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".copy-")
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as inp:
            shutil.copyfileobj(inp, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
