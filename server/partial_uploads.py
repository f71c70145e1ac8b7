"""Resumable uploads (PROTOCOL §5): the bytes of a blob received so far, kept on this server's disk
until the last one arrives; then the whole is stored through the blob store's own save (hash checked
against the name, location stripped, image checked). A cut connection keeps what arrived: the tablet
asks the offset and sends the rest."""
import fcntl
import os
import time
from pathlib import Path
from typing import BinaryIO

from .blobs import CHUNK, BlobRefused, BlobStore, too_large

PARTIAL_MAX_AGE_SECONDS = 7 * 24 * 3600  # a tablet offline for a week still resumes


class OffsetMismatch(BlobRefused):
    http_status, code = 409, "offset_mismatch"
    message = "Le serveur ne détient pas ce début de fichier : reprenez à la position indiquée."

    def __init__(self, held: int):
        super().__init__()
        self.held = held


class PartialUploads:
    def __init__(self, root: str | Path, max_bytes: int):
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path:
        return self.root / sha256

    def offset(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, sha256: str, offset: int, total: int, stream: BinaryIO) -> int:
        """Add the bytes from `offset` on; returns how many bytes are now held. What arrives before a
        cut connection is kept (written and fsync'ed as it comes)."""
        if total > self.max_bytes:
            raise too_large(self.max_bytes)
        self.root.mkdir(parents=True, exist_ok=True)
        self._sweep()
        with open(self.path(sha256), "ab") as out:
            try:
                fcntl.flock(out.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another request of the same blob is writing
                raise OffsetMismatch(self.offset(sha256)) from None
            held = out.tell()
            if held != offset:
                raise OffsetMismatch(held)
            try:
                while chunk := stream.read(CHUNK):
                    if held + len(chunk) > total:
                        raise too_large(self.max_bytes)
                    out.write(chunk)
                    held += len(chunk)
            finally:
                out.flush()
                os.fsync(out.fileno())
        return held

    def finish(self, sha256: str, store: BlobStore, keep_location: bool) -> tuple[bool, int]:
        """Store the whole through `store.save` (every check of a one-piece upload); the partial goes,
        refused or not (a refused whole cannot become right by resuming)."""
        try:
            with open(self.path(sha256), "rb") as whole:
                return store.save(sha256, whole, keep_location=keep_location)
        finally:
            self.drop(sha256)

    def drop(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def _sweep(self) -> None:
        limit = time.time() - PARTIAL_MAX_AGE_SECONDS
        for leftover in self.root.iterdir():
            try:
                if leftover.stat().st_mtime < limit:
                    leftover.unlink()
            except FileNotFoundError:
                pass
