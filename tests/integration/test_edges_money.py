"""The money and termination edges of both procedures (issue 11, DESIGN.md §4.1), each on a world of its
own with fixed dates so that every invoice line is checked to the cent (EUR) or the franc (XOF), on SQLite
and PostgreSQL."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from forms import get_definition, validate_submission

from server.errors import DomainError
from server.extensions import db
from server.models import AuditEntry, Dossier, DossierEvent, Letter, Reading
from server.services.closing.deposits import unsettled_deposits
from server.services.closing.invoices import (cancel_invoice, issue_balance_invoice, issue_closing_invoice,
                                              last_billed_reading)
from server.services.closing.terminations import open_arrival
from server.services.dossiers.timelines import contracts_in_force_on, tick
from server.services.rules.departure_rules import vacant_closure_day, vacant_letter_day
from server.services.intake.termination_requests import ElectricityTermination, record_termination
from server.services.dossiers.dossiers import STEP_LABELS, cancel_departure, dossier_page
from server.services.dossiers.orders import issue_order
from server.services.field import dispatch
from server.services.intake.departures import WaterDeparture, record_water_departure
from tests.integration.money_world import (DEPOSIT, add_contract, at, build_world, invoices_of, lines_of, periodic_invoice,
                                           report_accepted)
from server.services.review.decisions import accept_report
from server.services.review.reports import countersign_report, report_review
from tests.integration.procedure_world import count, orders_of
from tests.review_reports import CHIEF_SIGNATURE, store_report


@pytest.fixture
def world(app_ctx):
    return build_world()


def water_departure(world, contract, on: date, **kw):
    return record_water_departure(contract.id, WaterDeparture(**kw), user=world.user("agent.w"), now=at(on))


def test_W20_contest_when_we_failed_to_terminate_bills_up_to_the_real_index_and_refunds_a_paid_bill_once(world):
    c = add_contract(world, "AB-W20", readings=[(date(2026, 1, 15), 1000, True), (date(2026, 7, 15), 1060, True),
                                                (date(2026, 10, 15), 1100, True)])
    kept = periodic_invoice(c, "FP-0", issued_on=date(2026, 1, 20), reading=(date(2026, 1, 15), 1000),
                            total="80.00", paid=True)
    dsi = water_departure(world, c, date(2026, 6, 1), kind="announced", departure_on=date(2026, 6, 10),
                          email="a@example.org", mobile="0611")
    paid = periodic_invoice(c, "FP-1", issued_on=date(2026, 7, 20), reading=(date(2026, 7, 15), 1060),
                            total="120.00", paid=True)
    unpaid = periodic_invoice(c, "FP-2", issued_on=date(2026, 10, 20), reading=(date(2026, 10, 15), 1100),
                              total="90.00", paid=False)

    dep = water_departure(world, c, date(2026, 11, 20), kind="contest", departure_on=date(2026, 6, 10), index=1030)

    assert (kept.state, paid.state, unpaid.state) == ("paid", "cancelled", "cancelled")
    assert (c.state, c.end_on, dsi.state, dep.state) == ("terminated", date(2026, 6, 10), "closed", "closed")
    [closing] = invoices_of(c, "closing", "credit_note")
    assert (closing.kind, closing.period_start, closing.period_end) == ("closing", date(2026, 1, 15), date(2026, 6, 10))
    assert lines_of(closing) == [
        ("30", "2.1000", "63.00"),        # 1000 → 1030: from the last valid billed index, cancelled ones ignored
        ("146", "0.1315", "19.20"),       # subscription 15/01 → 10/06
        ("82.20", "0.0550", "4.52"),      # VAT 5.5 %
        ("1", "-120.00", "-120.00"),      # FP-1 was paid: refunded once; FP-2 unpaid: just cancelled
    ]
    assert "FP-1" in closing.lines[3]["label"] and closing.total == Decimal("-33.28")
    assert f"Résultat net de la contestation : facture {closing.number}, 33,28 € à rembourser au client (W20)." in [
        e.message for e in dep.events]  # the amount as pages write it, not "33.28 EUR"
    assert last_billed_reading(c.point.meters[0]).read_on == date(2026, 6, 10)
    billed = {r.read_on: r.billed for r in db.session.scalars(select(Reading).where(Reading.meter_id == c.point.meters[0].id))}
    assert billed == {date(2026, 1, 15): True, date(2026, 6, 10): True, date(2026, 7, 15): False,
                      date(2026, 10, 15): False}
    refunds = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel_invoice")).all()
    assert sorted((a.details["number"], a.details["refund_due"]) for a in refunds) == [("FP-1", True), ("FP-2", False)]

    # redoing the closing (an error corrected) carries the refund again on the one live invoice, never twice
    cancel_invoice(closing, "Index corrigé", user=world.user("agent.w"), now=at(date(2026, 11, 21)))
    again = issue_closing_invoice(c, end_on=date(2026, 6, 10), index=1030, read_on=date(2026, 6, 10),
                                  source="customer", travel_fee=False, now=at(date(2026, 11, 21)))
    live = [i for i in invoices_of(c, "closing", "credit_note") if i.state != "cancelled"]
    assert live == [again] and again.total == Decimal("-33.28")
    assert sum("FP-1" in line["label"] for i in live for line in i.lines) == 1
    with pytest.raises(DomainError):
        water_departure(world, c, date(2026, 11, 22), kind="contest", departure_on=date(2026, 6, 10), index=1030)


def seen_meter_contract(world, number):
    return add_contract(world, number, readings=[(date(2026, 1, 15), 1000, True), (date(2026, 10, 15), 1100, True)])


def test_W17_inventory_dated_before_the_last_billed_reading_ends_the_contract_on_its_date_with_a_credit_note(world):
    c = seen_meter_contract(world, "AB-W17C")
    dep = water_departure(world, c, date(2026, 10, 20), kind="immediate", departure_on=date(2026, 9, 15), index=1080)
    assert (dep.state, c.state, c.end_on) == ("closed", "terminated", date(2026, 9, 15))
    [note] = invoices_of(c)
    assert (note.kind, note.period_start, note.period_end) == ("credit_note", date(2026, 10, 15), date(2026, 9, 15))
    assert lines_of(note) == [
        ("-20", "2.1000", "-42.00"),       # 1100 billed, 1080 at the inventory: 20 m³ billed beyond the end
        ("-30", "0.1315", "-3.95"),        # subscription billed from 15/09 to 15/10 comes back
        ("-45.95", "0.0550", "-2.53"),     # VAT 5.5 % on what comes back
    ]
    assert note.total == Decimal("-48.48")


def test_W17_an_index_out_of_line_with_the_readings_around_its_date_is_still_refused(world):
    c = seen_meter_contract(world, "AB-W17R")
    with pytest.raises(DomainError, match="index incohérent"):
        water_departure(world, c, date(2026, 10, 20), kind="immediate", departure_on=date(2026, 9, 15), index=1150)
    assert c.state == "active" and invoices_of(c) == []


def test_W12_unannounced_departure_with_a_coherent_inventory_ends_on_the_call_day_at_its_index(world):
    c = add_contract(world, "AB-W12A", readings=[(date(2026, 1, 15), 1000, True), (date(2026, 7, 15), 1060, True)])
    dep = water_departure(world, c, date(2026, 11, 20), kind="unannounced", proof="inventory",
                          departure_on=date(2026, 9, 30), index=1090)
    assert (dep.state, c.state, c.end_on) == ("closed", "terminated", date(2026, 11, 20))  # never backdated
    [closing] = invoices_of(c)
    assert closing.kind == "closing" and (closing.reading_index, closing.reading_date) == (1090, date(2026, 9, 30))
    assert lines_of(closing) == [
        ("30", "2.1000", "63.00"),         # 1060 → 1090 (the inventory's index)
        ("128", "0.1315", "16.83"),        # subscription owed up to the call: 15/07 → 20/11
        ("79.83", "0.0550", "4.39"),
    ]
    assert closing.total == Decimal("84.22")


def test_W12_an_inventory_older_than_the_last_billed_reading_credits_nothing_and_a_visit_reads_the_meter(world):
    c = add_contract(world, "AB-W12B", readings=[(date(2026, 1, 15), 1000, True), (date(2026, 7, 15), 1060, True)])
    dep = water_departure(world, c, date(2026, 11, 20), kind="unannounced", proof="inventory",
                          departure_on=date(2026, 6, 30), index=1050, appointment_on=date(2026, 11, 24))
    assert invoices_of(c) == [] and (c.state, dep.state, dep.step) == ("terminating", "open", "reading_appointment")
    assert dep.data["end_on"] == "2026-11-20"
    [order] = orders_of(dep.id)
    assert (order.type, order.travel_fee, order.planned_date) == ("READING", True, date(2026, 11, 24))
    assert any(e.kind == "proof_refused" and "ne sont pas remboursées" in e.message for e in dep.events)


def planned_reading(world, contract, day):
    order = issue_order("READING", contract.point, now=at(day), planned_date=day, user=world.user("chef.w"))
    order.assignee_id, order.state = world.user("tech.w").id, "assigned"
    db.session.commit()
    return order


@pytest.mark.parametrize("report", [{"answers": {"index": 1112}}, {"outcome": "no_access", "answers": {"remarks": "Cave fermée"}}],
                         ids=["done", "no_access"])
def test_W17_termination_at_intake_waits_for_the_field_order_planned_on_the_point_until_its_report_is_accepted(world,
                                                                                                             report):
    c = seen_meter_contract(world, "AB-W17D")
    order = planned_reading(world, c, date(2026, 11, 23))
    dep = water_departure(world, c, date(2026, 11, 20), kind="immediate", departure_on=date(2026, 11, 20), index=1110)
    assert (dep.state, dep.step, c.state, invoices_of(c)) == ("open", "closing_deferred", "terminating", [])
    assert any(e.kind == "closing_deferred" and order.ref in e.message for e in dep.events)
    page = dossier_page(dep.id)
    assert STEP_LABELS[page.dossier.step].startswith("résiliation différée")

    effects = report_accepted(world, order, on=at(date(2026, 11, 23)), **report)
    assert any("Résiliation différée" in e for e in effects)
    assert (dep.state, c.state, c.end_on) == ("closed", "terminated", date(2026, 11, 20))
    [closing] = invoices_of(c)
    assert (closing.reading_index, closing.reading_date) == (1110, date(2026, 11, 20))
    assert lines_of(closing) == [("10", "2.1000", "21.00"), ("36", "0.1315", "4.73"), ("25.73", "0.0550", "1.42")]
    assert closing.total == Decimal("27.15")


def test_W17_deferred_termination_applies_when_the_order_is_cancelled_with_a_reason(world):
    c = seen_meter_contract(world, "AB-W17E")
    order = planned_reading(world, c, date(2026, 11, 23))
    dep = water_departure(world, c, date(2026, 11, 20), kind="immediate", departure_on=date(2026, 11, 20), index=1110)
    with pytest.raises(DomainError, match="motif"):
        dispatch.cancel(order.id, "  ", chief=world.user("chef.w"), now=at(date(2026, 11, 21)))
    assert (dep.step, c.state) == ("closing_deferred", "terminating")
    dispatch.cancel(order.id, "Relevé inutile : client parti", chief=world.user("chef.w"), now=at(date(2026, 11, 21)))
    assert (order.state, dep.state, c.state, c.end_on) == ("cancelled", "closed", "terminated", date(2026, 11, 20))
    assert [i.total for i in invoices_of(c)] == [Decimal("27.15")]
    assert any(e.kind == "closing_resumed" and "Relevé inutile" in e.message for e in dep.events)


def power_contract(world, number):
    return add_contract(world, number, service="electricity", voltage="BT", deposit=DEPOSIT,
                        readings=[(date(2026, 10, 1), 5000, True)])


def assigned(world, order):
    order.assignee_id, order.state = world.user("tech.e").id, "assigned"
    db.session.commit()
    return order


@pytest.mark.parametrize("kind,failed", [("classic", "absent"), ("classic", "refused"), ("anticipated", "no_access")])
def test_E8_cutoff_failed_then_meter_removed_settles_the_balance_against_the_deposit(world, kind, failed):
    c = power_contract(world, "EL-E8A")
    dep = record_termination(c.id, ElectricityTermination(
        kind=kind, termination_on=date(2026, 11, 25), requester_name="Alex Client",
        requester_identity="CNI EL-E8A"), user=world.user("agent.e"), now=at(date(2026, 11, 20)))
    [visit] = orders_of(dep.id)
    assert visit.type == ("CUTOFF" if kind == "classic" else "READING")
    report_accepted(world, assigned(world, visit), outcome=failed, answers={"remarks": "Personne, portail fermé"},
                    on=at(date(2026, 11, 24)))
    assert invoices_of(c) == [] and c.state == "terminating"
    assert unsettled_deposits(world.user("agent.e")).contracts == []

    assert tick(at(date(2026, 11, 25))) == {"removals": 1}
    [removal] = orders_of(dep.id, "REMOVAL")
    effects = report_accepted(world, assigned(world, removal), on=at(date(2026, 11, 25)), answers={
        "index": 5200, "safety_steps": ["s1"], "seal_number": "SC-1", "premises_remarks": "none"})
    [balance] = invoices_of(c)
    assert (balance.kind, balance.state, balance.reading_index, balance.dossier_id) == ("balance", "draft", 5200, dep.id)
    assert lines_of(balance) == [
        ("200", "100.0000", "20000"),      # 5000 → 5200 kWh at the removal index
        ("55", "100.0000", "5500"),        # subscription 01/10 → 25/11
        ("25500", "0.1800", "4590"),       # VAT 18 %
        ("1", "-50000.00", "-50000"),      # the deposit, settled
    ]
    assert balance.total == Decimal("-19910")  # refunded to the deposit payer at the counter (E3, E9)
    assert (c.state, c.fully_terminated_on) == ("terminated", date(2026, 11, 25))
    assert any("E8" in e and "dépose" in e for e in effects)
    assert unsettled_deposits(world.user("agent.e")).contracts == []


def test_E8_terminated_contracts_whose_deposit_is_neither_refunded_nor_used_are_listed_page_by_page(world):
    left = [power_contract(world, f"EL-E8L{n}") for n in range(3)]
    settled = power_contract(world, "EL-E8S")
    for contract in left + [settled]:
        contract.state, contract.end_on = "terminated", date(2026, 11, 1)
    issue_balance_invoice(settled, index=5100, read_on=date(2026, 11, 1), now=at(date(2026, 11, 1)))
    db.session.commit()
    agent = world.user("agent.e")
    first = unsettled_deposits(agent, limit=2)
    second = unsettled_deposits(agent, after=first.next_after, limit=2)
    assert [c.number for c in first.contracts + second.contracts] == ["EL-E8L0", "EL-E8L1", "EL-E8L2"]
    assert second.next_after is None
    assert unsettled_deposits(world.user("agent.w")).contracts == []  # another utility's are not shown


def events_of(dossier):
    return list(db.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                   .order_by(DossierEvent.id)))


def test_W19_no_letter_nor_CEO11_closure_while_a_contract_is_in_force_on_the_point(world):
    c = seen_meter_contract(world, "AB-W19")
    asi = open_arrival(c, None, origin=None, user=world.user("agent.w"), now=at(date(2026, 11, 2)))
    db.session.commit()
    assert (asi.branch, asi.step) == ("vacant", "vacant")
    cal = "fr-working-days"
    letter_day, closure_day = vacant_letter_day(date(2026, 11, 2), cal), vacant_closure_day(date(2026, 11, 2), cal)
    assert asi.due_on == letter_day == date(2026, 11, 17)  # 11 November is a holiday
    assert tick(at(letter_day), calendar=cal) == {}
    assert tick(at(letter_day + timedelta(days=1)), calendar=cal) == {}
    assert count(Letter, dossier_id=asi.id) == 0 and orders_of(asi.id) == []
    events = events_of(asi)
    assert [e.kind for e in events].count("occupied") == 1 and asi.state == "open"
    assert any(c.number in e.message for e in events if e.kind == "occupied")

    c.state, c.end_on = "terminated", letter_day + timedelta(days=1)   # the point is vacant at last
    db.session.commit()
    assert tick(at(letter_day + timedelta(days=2)), calendar=cal) == {"letters": 1}
    assert tick(at(closure_day), calendar=cal) == {"closures": 1}
    [closure] = orders_of(asi.id)
    assert (closure.type, closure.code) == ("CLOSURE", "CEO11")


def test_W19_the_demo_vacant_dwelling_sits_on_a_point_where_no_contract_is_in_force(demo_ctx):
    vacant = db.session.scalars(select(Dossier).where(Dossier.type == "ASI", Dossier.branch == "vacant")).all()
    assert vacant
    for asi in vacant:
        assert contracts_in_force_on(asi.delivery_point_id) == []


def test_W10_days_are_counted_on_the_utilitys_local_calendar_not_the_utc_date(world):
    c = seen_meter_contract(world, "AB-W10")
    dsi = water_departure(world, c, date(2026, 12, 1), kind="announced", departure_on=date(2026, 12, 5),
                          email="a@example.org", mobile="0611")
    half_past_midnight_in_paris = datetime(2026, 12, 14, 23, 30, tzinfo=timezone.utc)  # 15/12 00:30, day 10
    assert tick(half_past_midnight_in_paris, calendar="fr-working-days") == {"reminders": 1}  # W8 day 10
    cancel_departure(dsi.id, user=world.user("agent.w"), now=half_past_midnight_in_paris)
    assert dsi.state == "treated"  # days 10–29; the UTC date (14/12, day 9) would have cancelled it
    assert any("jour 10" in e.message for e in events_of(dsi))


def test_E6_on_site_the_agent_interrupts_supply_as_the_order_says_and_reads_the_index(world):
    c = power_contract(world, "EL-E6")
    dep = record_termination(c.id, ElectricityTermination(
        kind="classic", termination_on=date(2026, 11, 20), requester_name="Alex Client",
        requester_identity="CNI EL-E6"), user=world.user("agent.e"), now=at(date(2026, 11, 20)))
    [cutoff] = orders_of(dep.id)
    assert cutoff.type == "CUTOFF" and "interrompre la fourniture" in cutoff.instructions
    unfinished = validate_submission(get_definition("CUTOFF"), "done", {"meter_serial": "M-EL-E6"}, {})
    assert {"cutoff_done", "index", "photo_index", "seal_number"} <= set(unfinished)
    report_accepted(world, assigned(world, cutoff), on=at(date(2026, 11, 20)), answers={
        "index": 5100, "cutoff_done": True, "seal_number": "SC-9", "requester_present": False})
    reading = db.session.scalar(select(Reading).where(Reading.meter_id == cutoff.meter_id, Reading.index == 5100))
    assert (reading.read_on, reading.source) == (date(2026, 11, 20), "agent")
    [balance] = invoices_of(c)
    assert lines_of(balance) == [("100", "100.0000", "10000"), ("50", "100.0000", "5000"),
                                 ("15000", "0.1800", "2700"), ("1", "-50000.00", "-50000")]
    assert balance.total == Decimal("-32300")
    assert [o.type for o in orders_of(dep.id)] == ["CUTOFF", "REMOVAL"]  # the termination date has come (E10)


def test_W2_a_fast_tablet_clock_never_puts_the_end_date_after_the_day_the_server_received_the_report(world):
    c = add_contract(world, "AB-W2", readings=[(date(2026, 1, 15), 1000, True), (date(2026, 10, 15), 1100, True)],
                     last_seen_on=date(2024, 1, 1))   # not seen for 12 months (W3): an agent must read it
    dep = water_departure(world, c, date(2026, 11, 20), kind="immediate", departure_on=date(2026, 11, 20),
                          index=1110, reading_choice="appointment", appointment_on=date(2026, 11, 23))
    [order] = orders_of(dep.id)
    order.assignee_id, order.state = world.user("tech.w").id, "assigned"
    db.session.commit()
    received = at(date(2026, 11, 23))
    report = store_report(order, answers={"index": 1112}, received_at=received, device_time=at(date(2026, 11, 26)))
    countersign_report(report.id, chief=world.user("chef.w"), signature=CHIEF_SIGNATURE, now=received)
    accept_report(report.id, user=world.user("agent.w"), now=received)
    assert (c.state, c.end_on, dep.state) == ("terminated", date(2026, 11, 23), "closed")
    [closing] = invoices_of(c)
    assert (closing.reading_date, closing.period_end, closing.travel_fee) == (date(2026, 11, 23), date(2026, 11, 23), True)
    assert "clock_skew" in [flag.code for flag in report_review(report.id).flags]  # still flagged


def test_W10_at_half_past_midnight_in_paris_a_departure_today_is_not_in_the_future(world):
    c = seen_meter_contract(world, "AB-W10B")
    half_past_midnight_in_paris = datetime(2026, 12, 14, 23, 30, tzinfo=timezone.utc)  # 15/12 in Bordeaux
    dep = record_water_departure(c.id, WaterDeparture(kind="immediate", departure_on=date(2026, 12, 15), index=1110),
                                 user=world.user("agent.w"), now=half_past_midnight_in_paris)
    assert (dep.requested_on, dep.state, c.state, c.end_on) == (date(2026, 12, 15), "closed", "terminated",
                                                                date(2026, 12, 15))


def test_W20_W17_a_contest_while_a_reading_is_planned_on_the_point_closes_with_its_refund_once_the_order_is_cancelled(world):
    c = add_contract(world, "AB-W20D", readings=[(date(2026, 1, 15), 1000, True), (date(2026, 7, 15), 1060, True)])
    water_departure(world, c, date(2026, 6, 1), kind="announced", departure_on=date(2026, 6, 10),
                    email="a@example.org", mobile="0611")
    paid = periodic_invoice(c, "FP-D1", issued_on=date(2026, 7, 20), reading=(date(2026, 7, 15), 1060),
                            total="120.00", paid=True)
    order = planned_reading(world, c, date(2026, 11, 23))
    dep = water_departure(world, c, date(2026, 11, 20), kind="contest", departure_on=date(2026, 6, 10), index=1030)
    assert (paid.state, dep.step, c.state, invoices_of(c, "closing")) == ("cancelled", "closing_deferred",
                                                                          "terminating", [])
    dispatch.cancel(order.id, "Relevé inutile", chief=world.user("chef.w"), now=at(date(2026, 11, 21)))
    [closing] = invoices_of(c, "closing")
    assert lines_of(closing) == [("30", "2.1000", "63.00"), ("146", "0.1315", "19.20"), ("82.20", "0.0550", "4.52"),
                                 ("1", "-120.00", "-120.00")]
    assert (closing.total, c.end_on, dep.state) == (Decimal("-33.28"), date(2026, 6, 10), "closed")
