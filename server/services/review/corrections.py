"""Corrections of a report: a new version with its author and reason, never an edit in place (E7, E11;
PITFALLS 22). A report already sealed goes back to the chief for a new countersignature."""
from datetime import datetime

from ...errors import DomainError, IllegalTransition
from ...extensions import db
from ...models import ReportVersion, User
from ..base.audit import record
from .arrivals import moves_its_order
from .reports import report_for, set_order_state, versions_of
from ..rules.seals import content_sha256


def correct_report(report_id: int, *, author: User, answers: dict, reason: str, now: datetime) -> ReportVersion:
    """A correction is a new version with its author and reason; a sealed report must be countersigned again."""
    report = report_for(report_id, author)
    if report.state not in ("received", "countersigned"):
        raise IllegalTransition("Un compte-rendu accepté ou rejeté ne se corrige plus.")
    if not reason.strip():
        raise DomainError("Le motif de la correction est obligatoire.", {"reason": ["Motif requis."]})
    latest = versions_of(report)[-1]
    content = {**latest.content, "answers": {**(latest.content.get("answers") or {}), **answers}}
    version = ReportVersion(report_id=report.id, number=latest.number + 1, content=content,
                            content_sha256=content_sha256(content), author_id=author.id, reason=reason.strip(),
                            created_at=now)
    db.session.add(version)
    if report.state == "countersigned":
        report.state = "received"
        if moves_its_order(report):
            set_order_state(report.order_id, "reported", user=author, now=now)
    record("correct_report", "report", report.id, user=author, at=now, version=version.number, reason=reason,
           changed=sorted(answers))
    db.session.commit()
    return version
