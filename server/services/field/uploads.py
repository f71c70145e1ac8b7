"""Photos and signatures sent by the tablets: who uploaded each one, and what a tablet may learn of them.
A blob is "present" for a tablet only when its technician uploaded it (from any of their tablets): hashing a
guessed photo tells nothing about what other tablets sent (issue 12). Answering "absent" is always safe: the
tablet sends the file again, which is idempotent."""
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...blobs import BlobStore
from ...extensions import db
from ...models import BlobUpload, Device, User


def store_blob(store: BlobStore, sha256: str, stream: BinaryIO, *, keep_location: bool, user: User, device: Device,
               now: datetime) -> tuple[bool, int]:
    """Keep the file (checked by the store) and remember that this technician sent it. Commits."""
    created, size = store.save(sha256, stream, keep_location=keep_location)
    record_upload(sha256, user=user, device=device, now=now)
    return created, size


def record_upload(sha256: str, *, user: User, device: Device | None, now: datetime) -> None:
    if uploaded_by(sha256, user):
        return
    try:
        with db.session.begin_nested():
            db.session.add(BlobUpload(sha256=sha256, user_id=user.id, device_id=device.id if device else None, at=now))
    except IntegrityError:  # the same technician's other request recorded it at the same moment
        pass
    db.session.commit()


def uploaded_by(sha256: str, user: User) -> bool:
    return db.session.scalar(select(BlobUpload.id).where(BlobUpload.sha256 == sha256,
                                                         BlobUpload.user_id == user.id)) is not None


def blob_present_for(store: BlobStore, sha256: str, user: User) -> bool:
    """Whether the tablet may be told the blob is here: held by the store and sent by this technician."""
    return sha256 in present_for(store, [sha256], user.id)


def present_for(store: BlobStore, hashes, technician_id: int) -> set[str]:
    """Those of `hashes` a tablet of this technician may be told are here (HEAD, a push's
    `missing_blobs`): held by the store and sent by this technician."""
    wanted = set(hashes)
    if not wanted:
        return set()
    sent = db.session.scalars(select(BlobUpload.sha256).where(BlobUpload.sha256.in_(wanted),
                                                              BlobUpload.user_id == technician_id))
    return {sha256 for sha256 in sent if store.has(sha256)}
