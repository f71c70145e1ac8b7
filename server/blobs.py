"""Content-addressed storage of photos and signatures (SHA-256 names) on the local disk.

A tiny interface (has / size / open / save) so an S3-compatible store can replace the disk. An
upload is streamed to a temporary file, hashed, checked (size, hash, real JPEG/PNG/WebP, pixel
limit), stripped of GPS tags (JPEG), fsync'ed and renamed into place: a cut upload leaves
nothing visible, and the retry simply succeeds.
"""
import errno
import hashlib
import io
import os
import struct
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Protocol

from PIL import Image

MAX_PIXELS = 40_000_000  # 40 MP: a tablet photo is far below; beyond is a decompression bomb
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
CHUNK = 64 * 1024
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
            with os.fdopen(handle, "w+b") as out:
                size = self._receive(stream, out, sha256)
                out.seek(0)
                data = out.read()
            kind = checked_image_kind(data)
            if self.has(sha256):
                return False, size
            if kind == "jpeg" and not keep_location:
                data = strip_jpeg_location(data)
            self._publish(tmp, data, sha256)
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

    def _receive(self, stream: BinaryIO, out: BinaryIO, sha256: str) -> int:
        digest, size = hashlib.sha256(), 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise BlobTooLarge(f"Fichier trop volumineux (au plus {self.max_bytes // (1024 * 1024)} Mo).")
            digest.update(chunk)
            out.write(chunk)
        if digest.hexdigest() != sha256:
            raise BlobHashMismatch()
        return size

    def _publish(self, tmp: Path, data: bytes, sha256: str) -> None:
        with tmp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        final = self.path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)  # atomic: the name appears complete or not at all
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


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
    kind = sniffed_kind(data)
    if kind is None:
        raise BlobNotImage()
    try:
        with Image.open(io.BytesIO(data)) as image:
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
    out, pos = [data[:2]], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment, body = data[pos:pos + 2 + length], data[pos + 4:pos + 2 + length]
        pos += 2 + length
        if marker == 0xE1 and body.startswith(b"http://ns.adobe.com/xap/"):
            continue  # XMP may repeat the position
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            segment = _exif_without_gps(body) or segment
        out.append(segment)
    out.append(data[pos:])
    return b"".join(out)


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
