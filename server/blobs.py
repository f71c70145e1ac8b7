"""Content-addressed storage of photos and signatures (SHA-256 names) on the local disk.

A tiny interface (has / size / open / save) so an S3-compatible store can replace the disk. An
upload is streamed once, in chunks: hashed and stripped of GPS tags (JPEG header segments) as the
bytes pass, written to a temporary file, then checked (size, hash, real JPEG/PNG/WebP, pixel limit),
fsync'ed and renamed into place: memory stays flat whatever the size, a cut upload leaves nothing
visible, and the retry simply succeeds.
"""
import errno
import hashlib
import io
import os
import queue
import struct
import tempfile
import threading
import time
from pathlib import Path
from typing import BinaryIO, Protocol

from PIL import Image

MAX_PIXELS = 40_000_000  # 40 MP: a tablet photo is far below; beyond is a decompression bomb
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
CHUNK = 1024 * 1024  # bytes read, hashed and written at a time (memory stays about this)
TMP_MAX_AGE_SECONDS = 3600  # an upload of 15 MB never takes an hour
GPS_IFD = 0x8825
SIGNATURES = {"jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


class BlobRefused(Exception):
    """An upload the store will not keep, with its HTTP status, machine code and French message."""

    http_status, code, message = 400, "invalid_request", "Fichier refusé."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class BlobTooLarge(BlobRefused):
    http_status, code = 413, "payload_too_large"
    message = "Fichier trop volumineux."


class BlobHashMismatch(BlobRefused):
    http_status, code = 422, "hash_mismatch"
    message = "L'empreinte SHA-256 du contenu reçu ne correspond pas à celle annoncée : renvoyez le fichier."


class BlobNotImage(BlobRefused):
    http_status, code = 415, "unsupported_media_type"
    message = "Seules les images JPEG, PNG ou WebP sont acceptées (contenu vérifié)."


class BlobStorageFull(BlobRefused):
    """The disk holding the blobs is full: nothing was kept, the same upload succeeds once space returns."""
    http_status, code = 507, "insufficient_storage"
    message = ("Espace de stockage du serveur saturé : le fichier n'a pas été enregistré. "
               "La tablette le renverra automatiquement plus tard.")


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


class BlobStore(Protocol):
    def has(self, sha256: str) -> bool: ...
    def size(self, sha256: str) -> int: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def save(self, sha256: str, stream: BinaryIO, keep_location: bool = False) -> tuple[bool, int]: ...


class DiskBlobStore:
    """Blobs under root/ab/abcdef…; temporary files under root/tmp on the same filesystem."""

    def __init__(self, root: str | Path, max_bytes: int):
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def save(self, sha256: str, stream: BinaryIO, keep_location: bool = False) -> tuple[bool, int]:
        """Store the body named `sha256`: (created, size received). Raises BlobRefused."""
        try:
            return self._save(sha256, stream, keep_location)
        except OSError as err:
            if err.errno in DISK_FULL:
                raise BlobStorageFull() from None
            raise

    def _save(self, sha256: str, stream: BinaryIO, keep_location: bool) -> tuple[bool, int]:
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        self.sweep_temporary(tmp_dir)
        handle, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="up-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                size = receive_upload(stream, out, sha256, self.max_bytes, keep_location, durable=True)
            checked_image_file(tmp)
            if self.has(sha256):
                return False, size
            self._publish(tmp, sha256)
            return True, size
        finally:
            tmp.unlink(missing_ok=True)

    @staticmethod
    def sweep_temporary(tmp_dir: Path, older_than: float = TMP_MAX_AGE_SECONDS) -> None:
        """Remove temporary files left by a server killed mid-upload (never a live upload's)."""
        limit = time.time() - older_than
        for leftover in tmp_dir.glob("up-*"):
            try:
                if leftover.stat().st_mtime < limit:
                    leftover.unlink()
            except FileNotFoundError:
                pass

    def _publish(self, tmp: Path, sha256: str) -> None:
        final = self.path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)  # atomic: the name appears complete or not at all
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def too_large(max_bytes: int) -> BlobTooLarge:
    return BlobTooLarge(f"Fichier trop volumineux (au plus {max_bytes // (1024 * 1024)} Mo).")


def receive_upload(stream: BinaryIO, out: BinaryIO, sha256: str, max_bytes: int, keep_location: bool = False,
                   durable: bool = False) -> int:
    """Copy the body to `out` in chunks, hashing what was sent and stripping a JPEG's location on the
    way (one pass, one write, memory bounded by a few chunks and one header segment): the size received.
    `durable`: `out` is fsync'ed before the hash is judged, so the disk works while the hash finishes.
    Raises BlobTooLarge past `max_bytes`, BlobHashMismatch when the body is not `sha256`."""
    size, strip, head = 0, None, b""
    with HashBeside() as digest:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise too_large(max_bytes)
            digest.update(chunk)
            if strip is None:  # decided on the first two bytes, however the network cut the first chunks
                head += chunk
                if len(head) < 2:
                    continue
                strip = JpegLocationFilter() if not keep_location and head.startswith(b"\xff\xd8") else False
                chunk, head = head, b""
            out.writelines(strip.feed(chunk) if strip else (chunk,))
            del chunk  # not held while the next one is read
        out.write(strip.finish() if strip else head)
        if durable:
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise BlobHashMismatch()
    return size


class HashBeside:
    """SHA-256 computed in a thread beside the copy: hashlib lets go of the GIL on large buffers, so the
    hash of one chunk runs while the next is read from the network and written. A queue of one chunk
    keeps memory bounded (the copy waits when the hash falls behind)."""

    def __init__(self):
        self._digest = hashlib.sha256()
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="blob-sha256", daemon=True)

    def __enter__(self) -> "HashBeside":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._finish()

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self._digest.update(chunk)
            del chunk  # not held while waiting for the next one

    def update(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def hexdigest(self) -> str:
        self._finish()
        return self._digest.hexdigest()

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


def sniffed_kind(data: bytes) -> str | None:
    """jpeg / png / webp by the first bytes, whatever the Content-Type said."""
    for kind, signature in SIGNATURES.items():
        if data.startswith(signature):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def checked_image_kind(data: bytes) -> str:
    """The image kind when Pillow reads the same format within the pixel limit, else BlobNotImage."""
    return _checked_image(io.BytesIO(data), data[:16])


def checked_image_file(path: Path) -> str:
    """checked_image_kind for a file, read by Pillow from the disk (never whole in memory)."""
    with open(path, "rb") as handle:
        head = handle.read(16)
        handle.seek(0)
        return _checked_image(handle, head)


def _checked_image(handle: BinaryIO, head: bytes) -> str:
    kind = sniffed_kind(head)
    if kind is None:
        raise BlobNotImage()
    try:
        with Image.open(handle) as image:
            width, height = image.size
            image.verify()
            readable = image.format == PIL_FORMATS[kind]
    except Exception:  # Pillow raises many types on hostile input (bomb, truncation, bad chunk)
        raise BlobNotImage() from None
    if not readable or width * height > MAX_PIXELS:
        raise BlobNotImage("Image illisible ou trop grande (au plus 40 mégapixels).")
    return kind


def strip_jpeg_location(data: bytes) -> bytes:
    """The JPEG without GPS EXIF tags nor XMP packets; pixels untouched (no re-encoding)."""
    strip = JpegLocationFilter()
    return b"".join(strip.feed(data)) + strip.finish()


class JpegLocationFilter:
    """Removes GPS EXIF tags and XMP packets from a JPEG's header segments as its bytes pass by.

    Header segments are held until whole (at most 64 KB each); from the start of scan on (or at the
    first byte that is not a segment marker) everything passes untouched, the chunk itself and
    never a copy of it."""

    def __init__(self):
        self.pending = bytearray()  # the start of a segment cut by the chunking
        self.started = False
        self.passing = False

    def feed(self, chunk: bytes) -> list:
        """The pieces to write, in order, for this chunk."""
        if self.passing:
            return [chunk]
        if self.pending:  # a segment straddles chunks: rare, small (at most a segment)
            self.pending += chunk
            data = self.pending
        else:
            data = chunk
        out, at = [], 0
        if not self.started:
            if len(data) < 2:
                self.pending = bytearray(data)
                return []
            out.append(bytes(data[:2]))  # start of image
            at, self.started = 2, True
        while len(data) - at >= 4:
            if data[at] != 0xFF or data[at + 1] == 0xDA:  # not a segment, or start of scan: image data
                self.passing = True
                break
            marker, end = data[at + 1], at + 2 + struct.unpack_from(">H", data, at + 2)[0]
            if end > len(data):
                break  # wait for the rest of the segment
            segment = bytes(data[at:end])
            at = end
            out.extend(_segment_without_location(marker, segment))
        rest = memoryview(data)[at:] if data is chunk else bytes(data[at:])
        if self.passing:
            out.append(rest)
            self.pending = bytearray()
        else:
            self.pending = bytearray(rest)
        return out

    def finish(self) -> bytes:
        rest = bytes(self.pending)
        self.pending.clear()
        return rest


def _segment_without_location(marker: int, segment: bytes) -> list[bytes]:
    body = segment[4:]
    if marker == 0xE1 and body.startswith(b"http://ns.adobe.com/xap/"):
        return []  # XMP may repeat the position
    if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
        return [_exif_without_gps(body) or segment]
    return [segment]


def _exif_without_gps(body: bytes) -> bytes | None:
    exif = Image.Exif()
    try:
        exif.load(body)
        if GPS_IFD not in exif:
            return None
        del exif[GPS_IFD]
        cleaned = exif.tobytes()
    except Exception:  # unreadable EXIF: drop the whole segment rather than keep a position
        return b"\xff\xe1\x00\x08Exif\x00\x00"
    return b"\xff\xe1" + struct.pack(">H", len(cleaned) + 2) + cleaned
