"""`tournee verify` finds what is wrong: a report edited in place after its seal, a blob a report names
that is missing or altered, fewer rows than a backup had (SQLite and PostgreSQL)."""
import hashlib

from sqlalchemy import update

from server.extensions import db
from sync.content import content_hash
from server.models import Report
from server.services.operations.blob_files import blob_path
from server.services.operations.integrity import verify_instance
from server.services.review.reports import countersign_report
from tests.review_reports import CHIEF_SIGNATURE, NOW, demo_order, store_report, user


def sealed_report_with_blobs(blob_dir):
    photo, signature = b"photo-bytes", b"signature-bytes"
    names = [hashlib.sha256(data).hexdigest() for data in (photo, signature)]
    for name, data in zip(names, (photo, signature)):
        path = blob_path(blob_dir, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    report = store_report(demo_order("P00000001"), answers={"index": 800}, photo=names[0])
    report.content = {**report.content, "attachments": [{**report.content["attachments"][0]},
                                                         {**report.content["attachments"][1], "sha256": names[1]}]}
    report.content_sha256 = content_hash(report.content)
    db.session.commit()
    countersign_report(report.id, chief=user("chef.eau"), signature=CHIEF_SIGNATURE, now=NOW)
    return report, names


def test_verify_passes_a_sound_instance_then_finds_each_fault(demo_ctx, tmp_path):
    blob_dir = tmp_path / "blobs"
    report, (photo, signature) = sealed_report_with_blobs(blob_dir)
    sound = verify_instance(blob_dir)
    assert sound.ok and sound.reports == 1 and sound.seals == 1 and sound.blobs_named == 2 and sound.tables["reports"] == 1

    content = {**report.content, "answers": {**report.content["answers"], "index": 801}}
    db.session.execute(update(Report).where(Report.id == report.id).values(content=content))
    db.session.commit()
    blob_path(blob_dir, photo).unlink()
    blob_path(blob_dir, signature).write_bytes(b"tampered")
    broken = verify_instance(blob_dir, expected_tables={"reports": 2})
    assert not broken.ok
    assert broken.broken_seals == [report.uuid] and broken.altered_reports == [report.uuid]
    assert broken.missing_blobs == [photo] and broken.damaged_blobs == [signature]
    assert broken.count_differences == {"reports": (2, 1)}
