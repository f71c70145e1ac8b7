"""`tournee verify`: does a live or restored instance hold what it should? Every report's content hash
(and every correction's), every countersignature's seal recomputed, every blob a report names present
with its hash, the rows of every table counted."""
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select

from ...blobs import strip_jpeg_location
from ...extensions import db
from ...models import Countersignature, Report, ReportVersion
from ..review.reports import seal_facts_of
from ..rules.seals import content_sha256, seal_verifies
from .backups import table_names
from .blob_files import blob_path, file_sha256

BATCH = 500


@dataclass
class Verification:
    tables: dict = field(default_factory=dict)
    reports: int = 0
    altered_reports: list = field(default_factory=list)  # uuids whose content no longer gives its hash
    seals: int = 0
    broken_seals: list = field(default_factory=list)  # report uuids
    blobs_named: int = 0
    blobs_awaited: int = 0  # named by a report still waiting for its upload: not a fault
    missing_blobs: list = field(default_factory=list)
    damaged_blobs: list = field(default_factory=list)
    count_differences: dict = field(default_factory=dict)  # table: (expected at least, found)

    @property
    def ok(self) -> bool:
        return not (self.altered_reports or self.broken_seals or self.missing_blobs or self.damaged_blobs or self.count_differences)


def verify_instance(blob_dir: str | Path, expected_tables: dict | None = None) -> Verification:
    """Check the instance; `expected_tables` (a backup manifest's counts) must be matched or exceeded."""
    result = Verification(tables=table_counts())
    _verify_contents(result)
    _verify_seals(result)
    _verify_blobs(result, blob_dir)
    for name, expected in (expected_tables or {}).items():
        found = result.tables.get(name)
        if expected is not None and (found is None or found < expected):
            result.count_differences[name] = (expected, found)
    return result


def table_counts() -> dict:
    existing = set(sa.inspect(db.engine).get_table_names())
    return {name: db.session.scalar(sa.text(f'SELECT count(*) FROM "{name}"')) if name in existing else None
            for name in table_names()}


def _verify_contents(result: Verification) -> None:
    last = 0
    while rows := db.session.execute(select(Report.id, Report.uuid, Report.content, Report.content_sha256)
                                     .where(Report.id > last).order_by(Report.id).limit(BATCH)).all():
        for _, uuid, content, stored in rows:
            result.reports += 1
            if content_sha256(content) != stored:
                result.altered_reports.append(uuid)
        last = rows[-1][0]
    for uuid, content, stored in db.session.execute(
            select(Report.uuid, ReportVersion.content, ReportVersion.content_sha256)
            .join(Report, Report.id == ReportVersion.report_id)).yield_per(BATCH):
        if content_sha256(content) != stored and uuid not in result.altered_reports:
            result.altered_reports.append(uuid)


def _verify_seals(result: Verification) -> None:
    last = 0
    while rows := list(db.session.scalars(select(Countersignature).where(Countersignature.id > last)
                                          .order_by(Countersignature.id).limit(BATCH))):
        for cs in rows:
            report = db.session.get(Report, cs.report_id)
            result.seals += 1
            if not seal_verifies(seal_facts_of(report, cs), cs.seal_sha256):
                result.broken_seals.append(report.uuid)
        last = rows[-1].id
        db.session.expunge_all()


def _named_blobs():
    """(sha256, still awaited) of every attachment named by a report or one of its versions."""
    last = 0
    while rows := db.session.execute(select(Report.id, Report.content, Report.state).where(Report.id > last)
                                     .order_by(Report.id).limit(BATCH)).all():
        for _, content, state in rows:
            for attachment in (content or {}).get("attachments") or []:
                yield attachment.get("sha256"), state == "awaiting_blobs"
        last = rows[-1][0]
    for (content,) in db.session.execute(select(ReportVersion.content)).yield_per(BATCH):
        for attachment in (content or {}).get("attachments") or []:
            yield attachment.get("sha256"), False


def _verify_blobs(result: Verification, blob_dir: str | Path) -> None:
    seen = {}
    for sha256, awaited in _named_blobs():
        if not isinstance(sha256, str):
            continue
        seen[sha256] = seen.get(sha256, True) and awaited
    for sha256, awaited in sorted(seen.items()):
        result.blobs_named += 1
        path = blob_path(blob_dir, sha256)
        if not path.is_file():
            (result.missing_blobs if not awaited else []).append(sha256)
            result.blobs_awaited += awaited
        elif not blob_intact(path, sha256):
            result.damaged_blobs.append(sha256)


def blob_intact(path: Path, sha256: str) -> bool:
    """The bytes hash to the name; or the blob is a JPEG the store stripped of its position on arrival
    (its name is the hash of what the tablet sent), in which case stripping again changes nothing."""
    if file_sha256(path) == sha256:
        return True
    data = path.read_bytes()
    return data.startswith(b"\xff\xd8\xff") and strip_jpeg_location(data) == data
