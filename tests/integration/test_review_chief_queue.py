"""E7/E11: the chief's review queue, on SQLite and PostgreSQL: reports judged clean one by one, then
countersigned together with one drawn signature, each sealed on its own."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.errors import Forbidden
from server.extensions import db
from server.models import AuditEntry, Countersignature
from server.services.review.chief_queue import chief_queue, chief_review, countersign_judged, judge_clean
from server.services.review.corrections import correct_report
from server.services.review.reports import report_review
from tests.review_reports import CHIEF_SIGNATURE, NOW, demo_order, store_report, user


def water_reports(count: int = 3) -> list:
    points = ["P00000001", "P00000002", "P00000005"]
    return [store_report(demo_order(points[i % 3]), answers={"index": 800 + i},
                         received_at=NOW - timedelta(minutes=10 - i)) for i in range(count)]


def test_E7_the_queue_is_the_chiefs_utility_oldest_first_and_moves_to_the_next_unjudged(demo_ctx):
    first, second, third = water_reports()
    chief = user("chef.eau")
    assert [e.report_id for e in chief_queue(chief)][-3:] == [first.id, second.id, third.id]
    assert chief_queue(user("chef.elec")) == [] or first.id not in [e.report_id for e in chief_queue(user("chef.elec"))]
    step = chief_review(second.id, chief)
    assert step.neighbour(-1) == first.id and step.neighbour(1) == third.id
    assert judge_clean(second.id, chief=chief, now=NOW) == third.id
    assert chief_review(first.id, chief).judged == [second.id]


def test_E7_batch_countersignature_seals_each_judged_report_on_its_own(demo_ctx):
    first, second, third = water_reports()
    chief = user("chef.eau")
    for report in (first, second):
        judge_clean(report.id, chief=chief, now=NOW)
    result = countersign_judged([first.id, second.id, third.id], chief=chief, signature=CHIEF_SIGNATURE, now=NOW)
    assert len(result.sealed) == 2 and [why for _, why in result.left] == ["pas encore relu et jugé bon dans sa version actuelle"]
    seals = db.session.scalars(select(Countersignature).where(Countersignature.report_id.in_([first.id, second.id]))).all()
    assert len(seals) == 2 and seals[0].seal_sha256 != seals[1].seal_sha256
    assert all(report_review(r.id).verifies and r.state == "countersigned" for r in (first, second))
    assert third.state == "received"
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "countersign_report")).all()
    assert {a.object_id for a in audits} == {str(first.id), str(second.id)}


def test_E7_a_correction_after_the_look_needs_a_new_look(demo_ctx):
    [report] = water_reports(1)
    chief = user("chef.eau")
    judge_clean(report.id, chief=chief, now=NOW)
    correct_report(report.id, author=user("agent.eau"), answers={"index": 812}, reason="Chiffre mal lu", now=NOW)
    result = countersign_judged([report.id], chief=chief, signature=CHIEF_SIGNATURE, now=NOW)
    assert result.sealed == [] and report.state == "received"


def test_E7_a_chief_of_another_utility_cannot_judge(demo_ctx):
    [report] = water_reports(1)
    with pytest.raises(Forbidden):
        judge_clean(report.id, chief=user("chef.elec"), now=NOW)
