"""Review and the rules applied on acceptance, on SQLite and PostgreSQL (demo data)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.errors import Forbidden, IllegalTransition
from server.extensions import db
from server.local_time import local_day
from server.models import (AuditEntry, Contract, Countersignature, Customer, DeliveryPoint, Dossier, Order, Reading,
                           Report, Task)
from server.services.review.decisions import accept_report, bulk_accept_clean, reject_report
from server.services.dossiers.orders import issue_order
from server.services.base.countersigners import MAX_FAILURES, code_state, countersigners_for
from server.services.review.arrivals import absorb_synced_reports, tablet_verdict
from server.services.base.seeding import DEMO_COUNTERSIGN_CODE
from server.services.review.corrections import correct_report
from server.services.review.reports import countersign_report, report_review
from sync.proofs import countersignature_proof, derive_countersign_key
from tests.review_reports import CHIEF_SIGNATURE, NOW, demo_order, store_report, user


def countersign(report, login="chef.eau"):
    return countersign_report(report.id, chief=user(login), signature=CHIEF_SIGNATURE, now=NOW)


def test_E7_report_counts_only_once_countersigned_and_the_seal_verifies(demo_ctx):
    report = store_report(demo_order("P00000001"), answers={"index": 800})
    with pytest.raises(IllegalTransition):
        accept_report(report.id, user=user("agent.eau"), now=NOW)
    cs = countersign(report)
    review = report_review(report.id)
    assert report.state == "countersigned" and len(cs.seal_sha256) == 64
    assert review.verifies and review.seals[0].chief.login == "chef.eau"
    assert db.session.get(Order, report.order_id).state == "countersigned"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "countersign_report")).user_id == user("chef.eau").id


def test_E7_a_chief_of_another_utility_cannot_countersign(demo_ctx):
    report = store_report(demo_order("P00000001"), answers={"index": 800})
    with pytest.raises(Forbidden):
        countersign(report, "chef.elec")


def test_E11_tampering_with_the_content_in_the_database_breaks_the_seal(demo_ctx):
    report = store_report(demo_order("P00000001"), answers={"index": 800})
    countersign(report)
    tampered = dict(report.content, answers={**report.content["answers"], "index": 801})
    db.session.execute(Report.__table__.update().where(Report.id == report.id).values(content=tampered))
    db.session.commit()
    db.session.expire_all()
    review = report_review(report.id)
    assert not review.verifies and not review.seals[0].verifies and not review.versions[0].verifies


def test_E7_correction_is_a_new_version_and_needs_a_new_countersignature(demo_ctx):
    report = store_report(demo_order("P00000001"), answers={"index": 800})
    countersign(report)
    version = correct_report(report.id, author=user("agent.eau"), answers={"index": 810}, reason="Chiffre mal lu sur la photo", now=NOW)
    review = report_review(report.id)
    assert version.number == 2 and report.content["answers"]["index"] == 800  # never edited in place
    assert [v.number for v in review.versions] == [1, 2] and review.current.content["answers"]["index"] == 810
    assert review.versions[1].author.login == "agent.eau" and report.state == "received"
    assert review.verifies  # the first seal still verifies: it sealed version 1
    countersign(report)
    assert [s.countersignature.version_number for s in report_review(report.id).seals] == [1, 2]


def tablet_proof(report, chief_login="chef.eau", code=DEMO_COUNTERSIGN_CODE) -> str:
    chief = user(chief_login)
    key = derive_countersign_key(code, chief.countersign_salt, chief.countersign_iterations)
    return countersignature_proof(key, report.uuid, chief_login, report.content_sha256)


def test_E7_countersignature_made_on_the_tablet_is_verified_and_sealed(demo_ctx):
    tablet = {"chief_login": "chef.eau", "salt": user("chef.eau").countersign_salt, "signature": CHIEF_SIGNATURE,
              "device_time": NOW.isoformat()}
    good = store_report(demo_order("P00000001"), answers={"index": 800}, countersignature=tablet)
    wrong_code = store_report(demo_order("P00000002"), answers={"index": 800}, countersignature=tablet)
    not_chief = store_report(demo_order("P00000004"), answers={"index": 800},
                             countersignature={**tablet, "chief_login": "tech.eau2"})
    absorb_synced_reports(NOW)  # without the push's proofs nothing is judged
    assert good.state == "received" and not good.flags
    proofs = {good.uuid: tablet_proof(good), wrong_code.uuid: tablet_proof(wrong_code, code="autre2026"),
              not_chief.uuid: tablet_proof(not_chief)}
    assert absorb_synced_reports(NOW, proofs=proofs) == 3
    assert absorb_synced_reports(NOW, proofs=proofs) == 0  # judged once
    assert good.state == "countersigned"
    assert db.session.scalar(select(Countersignature).where(Countersignature.report_id == good.id)).channel == "tablet"
    for report, reason in ((wrong_code, "bad_proof"), (not_chief, "not_allowed")):
        assert report.state == "received" and "countersignature_invalid" in {f.code for f in report_review(report.id).flags}
        assert tablet_verdict(report) == {"status": "refused", "reason": reason}
    assert tablet_verdict(good) == {"status": "sealed"}


def test_E7_wrong_tablet_proofs_lock_the_chiefs_code_for_that_technician_right_ones_between_buy_no_more_guesses(
        demo_ctx):
    tablet = {"chief_login": "chef.eau", "salt": user("chef.eau").countersign_salt, "signature": CHIEF_SIGNATURE,
              "device_time": NOW.isoformat()}
    order = demo_order("P00000001")

    def push(code, index):
        report = store_report(order, answers={"index": index}, countersignature=tablet)
        absorb_synced_reports(NOW, proofs={report.uuid: tablet_proof(report, code=code)})
        return tablet_verdict(report)

    for attempt in range(MAX_FAILURES - 1):
        assert push(f"devine{attempt}x", 800 + attempt)["reason"] == "bad_proof"
    assert push(DEMO_COUNTERSIGN_CODE, 850) == {"status": "sealed"}  # the chief, between two guesses
    assert code_state(user("chef.eau")).failures == MAX_FAILURES - 1
    assert push("devine9x", 860)["reason"] == "bad_proof"
    state = code_state(user("chef.eau"))
    assert state.failures == MAX_FAILURES and state.locked_at is not None and state.in_force
    assert countersigners_for(user("tech.eau1")) == []
    assert [c["login"] for c in countersigners_for(user("tech.eau2"))] == ["chef.eau"]  # the others keep it
    assert push(DEMO_COUNTERSIGN_CODE, 900) == {"status": "refused", "reason": "code_locked"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "lock_countersign_code")) is not None


def test_E7_a_proof_made_with_a_code_since_renewed_is_refused_without_counting_as_a_guess(demo_ctx):
    old = {"chief_login": "chef.eau", "salt": "0" * 32, "signature": CHIEF_SIGNATURE, "device_time": NOW.isoformat()}
    report = store_report(demo_order("P00000001"), answers={"index": 800}, countersignature=old)
    absorb_synced_reports(NOW, proofs={report.uuid: "a" * 64})
    assert tablet_verdict(report) == {"status": "refused", "reason": "code_renewed"}
    assert code_state(user("chef.eau")).failures == 0


def test_E7_countersigning_a_report_on_an_order_now_someone_elses_leaves_that_order_alone(demo_ctx):
    order = demo_order("P00000001")
    report = store_report(order, answers={"index": 800}, conflict="reassigned")
    state = order.state
    countersign(report)
    assert report.state == "countersigned" and db.session.get(Order, order.id).state == state


def test_W14_coherent_reading_terminates_closes_the_DEP_and_opens_the_ASI(demo_ctx):
    order = demo_order("P00000001")
    report = store_report(order, answers={"index": 800})
    countersign(report)
    effects = accept_report(report.id, user=user("agent.eau"), now=NOW)
    contract = db.session.get(Contract, 1)
    dep = db.session.scalar(select(Dossier).where(Dossier.type == "DEP", Dossier.delivery_point_id == order.delivery_point_id))
    asi = db.session.scalar(select(Dossier).where(Dossier.type == "ASI", Dossier.delivery_point_id == order.delivery_point_id))
    assert contract.state == "terminated" and contract.end_on == local_day(NOW - timedelta(minutes=5), "water")
    assert dep.state == "closed" and asi.state == "open" and asi.branch == "vacant"
    assert report.state == "accepted" and order.state == "closed" and any("W14" in e for e in effects)
    assert db.session.scalar(select(Reading).where(Reading.meter_id == order.meter_id, Reading.index == 800)).source == "agent"


def test_W17_closing_is_deferred_while_a_field_visit_is_planned_then_resumes(demo_ctx):
    order = demo_order("P00000001")
    closure = issue_order("CLOSURE", order.point, now=NOW)
    closure.assignee_id, closure.state = user("tech.eau1").id, "assigned"
    report = store_report(order, answers={"index": 850})
    countersign(report)
    effects = accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert db.session.get(Contract, 1).state == "active" and any("W17" in e for e in effects)
    visit = store_report(closure, answers={"index": 851, "branch_closed": True, "closure_kind": "meter_valve"})
    countersign(visit)
    effects = accept_report(visit.id, user=user("agent.eau"), now=NOW)
    contract = db.session.get(Contract, 1)
    assert contract.state == "terminated" and any("W14" in e for e in effects) and closure.point.state == "closed"


def test_W16_closure_report_updates_the_delivery_point_state_and_date(demo_ctx):
    order = demo_order("P00000011")
    order.meter.leak_alert = True
    report = store_report(order, answers={"index": 900, "branch_closed": True})
    countersign(report)
    accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert order.point.state == "closed" and order.point.closed_on == local_day(NOW - timedelta(minutes=5), "water")
    assert order.meter.leak_alert is False


def test_W8_investigation_nobody_on_site_issues_a_closure_order(demo_ctx):
    order = demo_order("P00000004")
    report = store_report(order, answers={"found": "nobody", "index": 900})
    countersign(report)
    accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert db.session.scalar(select(Order).where(Order.delivery_point_id == order.delivery_point_id,
                                                 Order.type == "CLOSURE", Order.state == "issued")) is not None


def test_W8_investigation_with_nobody_there_and_branch_left_open_issues_a_closure_order(demo_ctx):
    order = demo_order("P00000004")
    report = store_report(order, outcome="absent", answers={"remarks": "Volets fermés, boîte pleine"})
    countersign(report)
    effects = accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert any("Ordre de fermeture" in e for e in effects)


def test_W12_no_access_asks_the_back_office_for_an_appointment(demo_ctx):
    order = demo_order("P00000002")
    report = store_report(order, outcome="no_access", answers={"remarks": "Local fermé"})
    countersign(report)
    accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert db.session.scalar(select(Task).where(Task.kind == "appointment")).state == "open"


def test_W8_investigation_nobody_closed_on_the_spot_closes_the_point(demo_ctx):
    order = demo_order("P00000004")
    report = store_report(order, answers={"found": "nobody", "closure_done": True, "closure_kind": "curb_stop"})
    countersign(report)
    accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert order.point.state == "closed"


def test_W8_investigation_new_occupant_becomes_a_prospect_with_an_ASI_from_the_field(demo_ctx):
    order = demo_order("P00000004")
    report = store_report(order, answers={"found": "new_occupant", "new_occupant": {"name": "Yasmine Benali", "phone": "0611223344", "email": None}})
    countersign(report)
    accept_report(report.id, user=user("agent.eau"), now=NOW)
    prospect = db.session.scalar(select(Customer).where(Customer.last_name == "Yasmine Benali"))
    asi = db.session.scalar(select(Dossier).where(Dossier.type == "ASI", Dossier.customer_id == prospect.id))
    assert prospect.status == "prospect" and asi.branch == "field"


def test_W10_a_realised_order_has_its_return_task_finished_on_acceptance(demo_ctx):
    order = demo_order("P00000004")
    dsi = db.session.scalar(select(Dossier).where(Dossier.type == "DSI"))
    order.dossier_id = dsi.id
    report = store_report(order, answers={"found": "departing_customer"})
    absorb_synced_reports(NOW)
    task = db.session.scalar(select(Task).where(Task.kind == "intervention_return", Task.dossier_id == dsi.id))
    assert task.state == "open" and order.state == "reported"
    countersign(report)
    accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert task.state == "done"


def test_E8_countersigned_cutoff_gives_the_balance(demo_ctx):
    order = demo_order("P00000121")
    report = store_report(order, answers={"index": 99999, "cutoff_done": True})
    countersign(report, "chef.elec")
    effects = accept_report(report.id, user=user("agent.elec"), now=NOW)
    assert any("E8" in e for e in effects) and db.session.get(Contract, 121).state in ("terminating", "terminated")


def test_E11_removal_goes_to_control_terminates_fully_and_frees_the_point(demo_ctx):
    order = demo_order("P00000123")
    report = store_report(order, answers={"index": 99999, "premises_remarks": "rotten_panel"})
    countersign(report, "chef.elec")
    accept_report(report.id, user=user("agent.elec"), now=NOW)
    contract = db.session.get(Contract, 123)
    task = db.session.scalar(select(Task).where(Task.kind == "removal_control"))
    assert task.role == "controller" and "Panneau pourri" in task.title
    assert contract.state == "terminated" and contract.fully_terminated_on is not None
    assert order.point.state == "removed" and order.meter.removed_on is not None


def test_E12_an_MT_meter_is_not_removed(demo_ctx):
    contract = db.session.scalar(select(Contract).where(Contract.voltage == "MT"))
    order = issue_order("REMOVAL", contract.point, now=NOW, contract_id=contract.id)
    order.assignee_id, order.state = user("arpnt.elec").id, "assigned"
    report = store_report(order, answers={"index": 5})
    countersign(report, "chef.elec")
    accept_report(report.id, user=user("agent.elec"), now=NOW)
    assert contract.point.state != "removed" and all(m.removed_on is None for m in contract.point.meters)


def test_reject_keeps_the_report_and_issues_the_order_again(demo_ctx):
    order = demo_order("P00000002")
    report = store_report(order, answers={"index": 800})
    again = reject_report(report.id, user=user("agent.eau"), reason="Photo illisible", now=NOW)
    assert report.state == "rejected" and report.review_note == "Photo illisible"
    assert again.type == order.type and again.state == "issued" and again.id != order.id and order.state == "closed"


def test_bulk_accept_takes_only_clean_countersigned_reports(demo_ctx):
    clean = store_report(demo_order("P00000002"), answers={"index": 1160})
    flagged = store_report(demo_order("P00000005"), answers={"index": 900, "meter_serial": "WRONG"})
    for r in (clean, flagged):
        countersign(r)
    result = bulk_accept_clean(user=user("agent.eau"), now=NOW)
    assert result.accepted == 1 and clean.state == "accepted" and flagged.state == "countersigned"
    [(ref, why)] = result.left                          # the flagged one is left out, and the page says why
    assert ref == db.session.get(Order, flagged.order_id).ref and "WRONG" in why


def test_E10_accepted_cutoff_on_the_termination_date_issues_the_removal_order_once(demo_ctx):
    order = demo_order("P00000121")
    report = store_report(order, answers={"index": 99999, "cutoff_done": True})
    countersign(report, "chef.elec")
    effects = accept_report(report.id, user=user("agent.elec"), now=NOW)
    removals = db.session.scalars(select(Order).where(Order.delivery_point_id == order.delivery_point_id,
                                                      Order.type == "REMOVAL")).all()
    assert len(removals) == 1 and removals[0].state == "issued" and any("E10" in e for e in effects)


def test_E7_a_correction_the_form_refuses_is_flagged(demo_ctx):
    report = store_report(demo_order("P00000001"), answers={"index": 850})
    correct_report(report.id, author=user("agent.eau"), answers={"meter_serial": "W-AUTRE"}, reason="Essai", now=NOW)
    assert {"correction_invalid", "serial_mismatch"} <= {f.code for f in report_review(report.id).flags}


def test_a_device_in_another_time_zone_is_not_a_clock_skew(demo_ctx):
    from datetime import timezone as tz
    paris = NOW.astimezone(tz(timedelta(hours=1)))
    report = store_report(demo_order("P00000001"), answers={"index": 850}, device_time=paris - timedelta(minutes=2))
    assert "clock_skew" not in {f.code for f in report_review(report.id).flags}


def test_W10_cancel_after_day_30_finishes_the_return_task_of_a_realised_order_and_cancels_the_unrealised(demo_ctx):
    from server.services.dossiers.dossiers import ANALYSIS_TASK, cancel_departure
    dsi = db.session.scalar(select(Dossier).where(Dossier.type == "DSI", Dossier.planned_on < NOW.date()))
    later = NOW + timedelta(days=40)
    db.session.add(Task(dossier_id=dsi.id, kind=ANALYSIS_TASK, title="Analyser", role="agent", state="done"))
    point = db.session.get(DeliveryPoint, dsi.delivery_point_id)
    realised = issue_order("INVESTIGATION", point, now=NOW, dossier=dsi)
    unrealised = issue_order("CLOSURE", point, now=NOW, dossier=dsi)
    for order in (realised, unrealised):
        order.assignee_id, order.state = user("tech.eau1").id, "assigned"
    db.session.commit()
    store_report(realised, answers={"found": "nobody"})
    absorb_synced_reports(NOW)            # the realised order shows as reported, with its return task
    task = db.session.scalar(select(Task).where(Task.kind == "intervention_return", Task.dossier_id == dsi.id))
    assert realised.state == "reported" and task.state == "open"
    cancel_departure(dsi.id, user=user("agent.eau"), now=later)
    assert task.state == "done" and unrealised.state == "cancelled" and dsi.state == "treated"


def countersigned_termination(kind: str):
    """An electricity termination of contract 125 whose first order came back and was countersigned:
    (the DEP, its order, the report)."""
    from server.services.intake.termination_requests import ElectricityTermination, record_termination
    dep = record_termination(125, ElectricityTermination(kind=kind, termination_on=NOW.date(),
                                                         requester_name="Afi Mensah", requester_identity="CNI 42",
                                                         ), user=user("agent.elec"), now=NOW)
    order = db.session.scalar(select(Order).where(Order.dossier_id == dep.id))
    order.assignee_id, order.state = user("tech.elec1").id, "assigned"
    report = store_report(order, answers={"index": 99999})
    countersign(report, "chef.elec")
    return dep, order, report


def test_E7_anticipated_termination_reading_once_countersigned_gives_the_balance_and_the_removal(demo_ctx):
    dep, order, report = countersigned_termination("anticipated")
    effects = accept_report(report.id, user=user("agent.elec"), now=NOW)
    assert order.type == "READING" and any("E8" in e for e in effects) and any("E10" in e for e in effects)


def test_E8_E10_accepted_report_balance_and_removal_are_told_on_the_DEP_with_its_invoice(demo_ctx):
    from server.models import Invoice
    from server.services.dossiers.dossiers import dossier_page
    dep, order, report = countersigned_termination("classic")
    accept_report(report.id, user=user("agent.elec"), now=NOW)
    balance = db.session.scalar(select(Invoice).where(Invoice.contract_id == 125, Invoice.kind == "balance"))
    removal = db.session.scalar(select(Order).where(Order.contract_id == 125, Order.type == "REMOVAL"))
    page = dossier_page(dep.id, user("agent.elec"))
    timeline = {e.kind: e.message for e in page.events}
    assert order.ref in timeline["report_accepted"] and balance.number in timeline["balance_invoice"]
    assert removal.ref in timeline["removal_order"] and balance in page.invoices


def test_E7_a_version_is_sealed_once_even_when_two_chiefs_race(demo_ctx):
    from server.errors import Conflict
    report = store_report(demo_order("P00000001"), answers={"index": 850})
    stale = db.session.get(Report, report.id)
    db.session.execute(Report.__table__.update().where(Report.id == report.id).values(state="countersigned"))
    assert stale.state == "received"  # the second chief read it before the first one sealed it
    with pytest.raises(Conflict):
        countersign(report)
    assert db.session.scalars(select(Countersignature).where(Countersignature.report_id == report.id)).all() == []


def test_W14_two_agents_accepting_at_once_apply_the_rules_once(demo_ctx):
    from server.models import Invoice
    report = store_report(demo_order("P00000001"), answers={"index": 850})
    countersign(report)
    stale = db.session.get(Report, report.id)
    db.session.execute(Report.__table__.update().where(Report.id == report.id).values(state="accepted"))
    assert stale.state == "countersigned"  # the second agent still sees it undecided
    with pytest.raises(IllegalTransition):
        accept_report(report.id, user=user("agent.eau"), now=NOW)
    assert db.session.scalars(select(Invoice).where(Invoice.contract_id == 1)).all() == []


def test_W15_reading_visit_report_terminates_with_the_announced_travel_fee(demo_ctx):
    from server.models import Invoice
    order = demo_order("P00000001")
    assert order.travel_fee  # the appointment announced the fee (W4)
    report = store_report(order, answers={"index": 850})
    countersign(report)
    accept_report(report.id, user=user("agent.eau"), now=NOW)
    invoice = db.session.scalar(select(Invoice).where(Invoice.contract_id == 1))
    assert invoice.kind in ("closing", "credit_note") and invoice.travel_fee and invoice.reading_source == "agent"
    assert invoice.reading_index == 850


def test_bulk_accept_looks_at_a_bounded_batch_oldest_first_and_says_more_remain(demo_ctx):
    """Issue 14: after a busy day thousands of reports may be countersigned; one bulk acceptance looks at a
    bounded number of them (oldest first, past those it leaves out) and says whether more remain."""
    def at(hours: int) -> dict:
        return {"received_at": NOW - timedelta(hours=hours), "device_time": NOW - timedelta(hours=hours, minutes=5)}
    first = store_report(demo_order("P00000002"), answers={"index": 1160}, **at(3))
    flagged = store_report(demo_order("P00000005"), answers={"index": 900, "meter_serial": "WRONG"}, **at(2))
    last = store_report(demo_order("P00000001"), answers={"index": 850}, **at(1))
    for r in (first, flagged, last):
        countersign(r)
    result = bulk_accept_clean(user=user("agent.eau"), now=NOW, examined=2)
    assert (result.accepted, result.more) == (1, True) and first.state == "accepted" and last.state == "countersigned"
    assert [ref for ref, _ in result.left] == [db.session.get(Order, flagged.order_id).ref]
    again = bulk_accept_clean(user=user("agent.eau"), now=NOW, examined=2)  # the flagged one is still looked at
    assert (again.accepted, again.more, last.state) == (1, False, "accepted") and len(again.left) == 1
