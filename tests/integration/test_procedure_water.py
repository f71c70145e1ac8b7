"""The water departure procedure (P_NAT_CLI_13) from intake to the orders it issues, time moved with
tick(now=...), on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.errors import DomainError, IllegalTransition
from server.extensions import db
from server.models import AuditEntry, Communication, Customer, Dossier, Invoice, Letter, PointContact, Reading
from server.services.dossiers import dossiers as dossier_service
from server.services.rules.departure_rules import vacant_closure_day, vacant_letter_day
from server.services.intake.departures import WaterDeparture, record_photo_reading, record_water_departure
from server.services.dossiers.tasks import record_no_answer
from server.services.closing.terminations import terminate_contract
from server.services.dossiers.timelines import tick
from tests.integration.procedure_world import (arrival_at, park_demo_timers, at, contract, count, days, dossiers_of, orders_of,
                                               tasks_of, today, user, withdraw_demo_orders)

CAL = "fr-working-days"


@pytest.fixture
def world(demo_ctx):
    """The demo data with its own dossiers' timers parked, so tick counts only what a test does."""
    park_demo_timers()
    withdraw_demo_orders()
    return demo_ctx


@pytest.fixture
def sqlite_world(sqlite_demo_app):
    """Same, SQLite only: for single-rule checks that do not depend on the database engine."""
    with sqlite_demo_app.app_context():
        park_demo_timers()
        withdraw_demo_orders()
        yield sqlite_demo_app


def announce(number: str, planned, **kw):
    req = WaterDeparture(kind="announced", departure_on=planned, email="client@example.org", mobile="0611223344", **kw)
    return record_water_departure(contract(number).id, req, user=user("agent.eau"), now=at(today()))


def test_W7_W8_W9_announced_departure_reminded_then_investigated_then_closed(world):
    planned = today() + days(5)
    dsi = announce("AB00000005", planned)
    assert (dsi.type, dsi.step, dsi.planned_on, dsi.due_on) == ("DSI", "planned", planned, planned + days(10))
    assert tick(at(planned + days(9)), calendar=CAL).get("reminders") is None
    assert tick(at(planned + days(10)), calendar=CAL)["reminders"] == 1
    assert tick(at(planned + days(10)), calendar=CAL) == {}  # run twice: nothing twice
    message = db.session.query(Communication).filter_by(dossier_id=dsi.id).one()
    assert (message.channel, message.recipient) == ("email", "client@example.org")
    assert tick(at(planned + days(30)), calendar=CAL) == {"analysis_tasks": 1}
    task = [t for t in tasks_of(dsi.id) if t.kind == "dsi_analysis"][0]
    with pytest.raises(IllegalTransition):  # W9: not before the termination
        dossier_service.close_dossier(dsi.id, user=user("agent.eau"), now=at(planned + days(31)))
    order = record_no_answer(task.id, user=user("agent.eau"), now=at(planned + days(31)))
    assert (order.type, order.dossier_id, order.contract_id, order.state) == ("INVESTIGATION", dsi.id,
                                                                              dsi.contract_id, "issued")
    assert order.meter_id and order.instructions
    c = contract("AB00000005")
    terminate_contract(c, end_on=planned + days(33), index=3800, read_on=planned + days(33), source="agent",
                       travel_fee=True, dossier=None, user=user("agent.eau"), now=at(planned + days(34)))
    db.session.commit()
    db.session.refresh(dsi)
    assert (c.state, dsi.state) == ("terminated", "closed")  # W9: closed by the termination


def test_W8_late_tick_catches_up_reminder_and_analysis_task_in_one_run(sqlite_world):
    planned = today() + days(1)
    dsi = announce("AB00000013", planned)
    assert tick(at(planned + days(40)), calendar=CAL) == {"reminders": 1, "analysis_tasks": 1}
    assert dsi.id and tick(at(planned + days(41)), calendar=CAL) == {}


@pytest.mark.parametrize("cancel_day,expected", [(3, "cancelled"), (15, "treated"), (35, "treated")])
def test_W10_cancel_in_each_window(world, cancel_day, expected):
    planned = today() + days(2)
    dsi = announce("AB00000005", planned)
    tick(at(planned + days(cancel_day)), calendar=CAL)
    dossier_service.cancel_departure(dsi.id, user=user("agent.eau"), now=at(planned + days(cancel_day)))
    assert dsi.state == expected
    if cancel_day >= 30:
        assert [t.state for t in tasks_of(dsi.id) if t.kind == "dsi_analysis"] == ["done"]
    assert tick(at(planned + days(60)), calendar=CAL) == {}  # timers stopped


def test_W10_cancel_after_task_done_cancels_the_unrealised_investigation_order(world):
    planned = today() + days(2)
    dsi = announce("AB00000005", planned)
    tick(at(planned + days(30)), calendar=CAL)
    task = [t for t in tasks_of(dsi.id) if t.kind == "dsi_analysis"][0]
    order = record_no_answer(task.id, user=user("agent.eau"), now=at(planned + days(31)))
    dossier_service.cancel_departure(dsi.id, user=user("agent.eau"), now=at(planned + days(40)))
    assert (dsi.state, order.state) == ("treated", "cancelled")


def test_W10_postpone_restarts_the_timeline(sqlite_world):
    planned = today() + days(2)
    dsi = announce("AB00000005", planned)
    tick(at(planned + days(31)), calendar=CAL)
    new_date = planned + days(45)
    dossier_service.postpone_departure(dsi.id, new_date, user=user("agent.eau"), now=at(planned + days(32)))
    assert (dsi.step, dsi.due_on) == ("planned", new_date + days(10))
    assert [t.state for t in tasks_of(dsi.id)] == ["cancelled"]
    assert tick(at(new_date + days(10)), calendar=CAL) == {"reminders": 1}


def test_W10_illegal_transitions_are_refused_in_french(sqlite_world):
    dsi = announce("AB00000005", today() + days(2))
    dossier_service.cancel_departure(dsi.id, user=user("agent.eau"), now=at(today()))
    with pytest.raises(IllegalTransition, match="annulé"):
        dossier_service.cancel_departure(dsi.id, user=user("agent.eau"), now=at(today()))
    with pytest.raises(IllegalTransition, match="ne se rouvre pas"):
        dossier_service.reopen_dossier(dsi.id, user=user("agent.eau"), now=at(today()))


def test_W7_announced_departure_without_email_is_refused(sqlite_world):
    c = contract("AB00000005")
    c.customer.email = None
    req = WaterDeparture(kind="announced", departure_on=today() + days(3), mobile="06")
    with pytest.raises(DomainError) as err:
        record_water_departure(c.id, req, user=user("agent.eau"), now=at(today()))
    assert "email" in err.value.fields
    assert count(Dossier, type="DSI", contract_id=c.id) == 0


def immediate(number: str, **kw):
    req = WaterDeparture(kind="immediate", **kw)
    return record_water_departure(contract(number).id, req, user=user("agent.eau"), now=at(today()))


def test_W2_W14_W17_W19_trusted_coherent_reading_terminates_then_vacant_letter_and_CEO11(world):
    left = today() - days(1)
    dep = immediate("AB00000005", departure_on=left, index=3790)
    c = contract("AB00000005")
    assert (dep.state, c.state, c.end_on) == ("closed", "terminated", left)  # W2: the day the customer left
    invoice = db.session.query(Invoice).filter_by(contract_id=c.id).one()
    assert invoice.reading_index == 3790 and invoice.dossier_id == dep.id and not invoice.travel_fee
    asi = arrival_at(c.delivery_point_id)
    assert (asi.branch, asi.step, asi.due_on) == ("vacant", "vacant", vacant_letter_day(today(), CAL))
    letter_day, closure_day = vacant_letter_day(today(), CAL), vacant_closure_day(today(), CAL)
    assert tick(at(letter_day - days(1)), calendar=CAL) .get("letters") is None
    assert tick(at(letter_day), calendar=CAL)["letters"] == 1
    letter = db.session.query(Letter).filter_by(dossier_id=asi.id).one()
    assert letter.addressee == "M. et Mme le Nouvel Occupant" and c.point.address in letter.address
    assert tick(at(closure_day), calendar=CAL)["closures"] == 1
    assert tick(at(closure_day), calendar=CAL) == {}
    [closure] = orders_of(asi.id, "CLOSURE")
    assert (closure.code, closure.delivery_point_id, closure.state) == ("CEO11", c.delivery_point_id, "issued")


def test_W18_known_successor_becomes_prospect_with_arrival_from_predecessor(sqlite_world):
    immediate("AB00000005", departure_on=today(), index=3790, successor_name="Léa Martin",
              successor_phone="0600000000")
    asi = arrival_at(contract("AB00000005").delivery_point_id)
    prospect = db.session.get(Customer, asi.customer_id)
    assert (asi.branch, prospect.status, prospect.last_name) == ("predecessor", "prospect", "Léa Martin")
    assert tick(at(today() + days(60)), calendar=CAL).get("letters") is None


def test_W15_W4_incoherent_reading_needs_photo_or_appointment_with_travel_fee(sqlite_world):
    with pytest.raises(DomainError) as err:
        immediate("AB00000005", departure_on=today(), index=100)  # goes backwards
    assert "reading_choice" in err.value.fields
    assert count(Dossier, type="DEP", contract_id=contract("AB00000005").id) == 0
    dep = immediate("AB00000005", departure_on=today(), index=100, reading_choice="appointment",
                    appointment_on=today() + days(4))
    [order] = orders_of(dep.id, "READING")
    assert (order.travel_fee, order.planned_date, dep.step) == (True, today() + days(4), "reading_appointment")
    assert contract("AB00000005").state == "terminating"


def test_W15_photo_choice_then_photo_reading_terminates_without_fee(sqlite_world):
    c = contract("AB00000005")
    c.point.meters[0].last_seen_on = today() - days(500)  # W3: not seen for 12 months
    dep = immediate("AB00000005", departure_on=today(), index=3790, reading_choice="photo")
    assert dep.step == "awaiting_photo" and dep.state == "open"
    record_photo_reading(dep.id, index=3791, photo_on=today(), user=user("agent.eau"), now=at(today()))
    assert (dep.state, c.state) == ("closed", "terminated")
    assert not db.session.query(Invoice).filter_by(contract_id=c.id).one().travel_fee


def test_W1_sewage_only_commune_refers_to_the_water_manager(sqlite_world):
    with pytest.raises(DomainError, match="Régie de l'eau"):
        immediate("AB00000003", departure_on=today(), index=1)


def test_W6_rented_dwelling_needs_owner_contact(sqlite_world):
    c = contract("AB00000012")
    for contact in list(c.point.contacts):
        db.session.delete(contact)
    db.session.commit()
    with pytest.raises(DomainError) as err:
        immediate("AB00000012", departure_on=today(), index=10**6)
    assert "owner_name" in err.value.fields
    immediate("AB00000012", departure_on=today(), index=10**6, owner_name="SCI Les Pins", owner_phone="0556000000",
              reading_choice="photo")
    contact = db.session.query(PointContact).filter_by(delivery_point_id=c.delivery_point_id).one()
    assert (contact.name, contact.verified_on) == ("SCI Les Pins", today())


def test_W13_remote_read_meter_index_from_warehouse_and_alerts_switched_off(sqlite_world):
    c = contract("AB00000002")
    meter = c.point.meters[0]
    assert meter.leak_alert
    dep = immediate("AB00000002", departure_on=today(), new_address="3 rue Neuve, Pessac",
                    iban="fr76 3000 4000 0312 3456 7890 143")
    assert (dep.state, c.state, meter.leak_alert, meter.consumption_alert) == ("closed", "terminated", False, False)
    invoice = db.session.query(Invoice).filter_by(contract_id=c.id).one()
    assert (invoice.reading_source, c.iban, c.billing_address) == ("remote", "FR7630004000031234567890143", "3 rue Neuve, Pessac")
    changed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contract_iban_changed",
                                                         AuditEntry.object_id == str(c.id)))
    assert changed.user_id == user("agent.eau").id and changed.details["new_iban"] == "**** 0143"  # two-person rule's trail


def test_W13_a_mistyped_iban_is_refused_and_nothing_is_recorded(sqlite_world):
    iban_before, dossiers_before = contract("AB00000002").iban, count(Dossier)
    with pytest.raises(DomainError) as refused:
        immediate("AB00000002", departure_on=today(), iban="FR76 3000 4000 0312 3456 7890 134")
    assert "clé de contrôle" in str(refused.value)
    db.session.rollback()
    c = contract("AB00000002")
    assert (c.state, c.iban, count(Dossier)) == ("active", iban_before, dossiers_before)


def test_W22_remote_meter_without_data_opens_INF_TELE_and_visit_is_free(sqlite_world):
    c = contract("AB00000002")
    db.session.query(Reading).filter_by(meter_id=c.point.meters[0].id, source="remote").delete()
    dep = immediate("AB00000002", departure_on=today(), index=50, reading_choice="appointment",
                    appointment_on=today() + days(2))  # 50 is below nothing: coherent, but check the fee path
    faults = dossiers_of(c.id, "INF_TELE")
    assert len(faults) == 1 and faults[0].state == "open"
    if dep.state == "open":
        assert all(not o.travel_fee for o in orders_of(dep.id, "READING"))


def test_W22_remote_meter_without_data_and_incoherent_index_gets_a_reading_at_our_cost(sqlite_world):
    c = contract("AB00000002")
    meter = c.point.meters[0]
    db.session.query(Reading).filter(Reading.meter_id == meter.id, Reading.source == "remote",
                                     Reading.read_on > today() - days(60)).delete()
    dep = immediate("AB00000002", departure_on=today(), index=1, reading_choice="appointment",
                    appointment_on=today() + days(2))
    [order] = orders_of(dep.id, "READING")
    assert order.travel_fee is False and len(dossiers_of(c.id, "INF_TELE")) == 1


def test_W11_departure_reported_by_the_newcomer_is_a_transfer(sqlite_world):
    c = contract("AB00000005")
    req = WaterDeparture(kind="newcomer", successor_name="Paul Nouveau", successor_phone="0612")
    asi = record_water_departure(c.id, req, user=user("agent.eau"), now=at(today()))
    assert (asi.type, asi.branch, c.state) == ("ASI", "third_party", "active")
    assert [t.kind for t in tasks_of(asi.id)] == ["transfer"]


def test_W12_unannounced_departure_ends_on_the_call_day_and_visit_bills_travel_fee(sqlite_world):
    c = contract("AB00000005")
    req = WaterDeparture(kind="unannounced", appointment_on=today() + days(3))
    dep = record_water_departure(c.id, req, user=user("agent.eau"), now=at(today()))
    [order] = orders_of(dep.id, "READING")
    assert order.travel_fee is True
    terminate_contract(c, end_on=today() + days(3), index=3800, read_on=today() + days(3), source="agent",
                       travel_fee=True, dossier=dep, user=user("agent.eau"), now=at(today() + days(4)))
    assert c.end_on == today()  # the day of the call, not the visit


def test_W12_contest_with_inventory_gives_its_index_but_the_contract_ends_on_the_call_day(sqlite_world):
    c = contract("AB00000005")
    left = today() - days(20)
    req = WaterDeparture(kind="unannounced", proof="inventory", departure_on=left, index=3770)
    dep = record_water_departure(c.id, req, user=user("agent.eau"), now=at(today()))
    assert (dep.state, c.state, c.end_on) == ("closed", "terminated", today())  # no legal value (DESIGN §4.1)


def test_W12_no_access_in_individual_house_allows_curb_stop_closure_contract_stays(sqlite_world):
    from server.services.intake.departures import order_curb_stop_closure
    c = contract("AB00000005")
    assert c.point.individual_house
    dep = record_water_departure(c.id, WaterDeparture(kind="unannounced"), user=user("agent.eau"), now=at(today()))
    order = order_curb_stop_closure(dep.id, user=user("agent.eau"), now=at(today()))
    assert (order.type, c.state) == ("CLOSURE", "terminating")
    assert "bouche à clé" in order.instructions


def test_W10_confirm_terminates_closes_the_dsi_and_finishes_its_analysis_task(sqlite_world):
    planned = today() - days(31)
    c = contract("AB00000005")
    dsi = record_water_departure(c.id, WaterDeparture(kind="announced", departure_on=planned, email="a@b.fr",
                                                      mobile="06"), user=user("agent.eau"), now=at(planned))
    tick(at(today()), calendar=CAL)
    [task] = tasks_of(dsi.id)
    dep = immediate("AB00000005", departure_on=today(), index=3790, dsi_id=dsi.id)
    assert (dep.state, dsi.state, task.state, c.state) == ("closed", "closed", "done", "terminated")


def test_W20_contest_when_we_missed_the_termination_cancels_invoices_and_backdates(sqlite_world):
    c = contract("AB00000005")
    told_on = today() - days(60)
    record_water_departure(c.id, WaterDeparture(kind="announced", departure_on=told_on + days(5), email="a@b.fr",
                                                mobile="06"), user=user("agent.eau"), now=at(told_on))
    late = Invoice(number="FP-TEST-1", kind="periodic", state="paid", contract_id=c.id, customer_id=c.customer_id,
                   issued_on=told_on + days(30), total=80)
    db.session.add(late)
    db.session.commit()
    req = WaterDeparture(kind="contest", departure_on=told_on + days(5), index=3760)
    dep = record_water_departure(c.id, req, user=user("agent.eau"), now=at(today()))
    assert (late.state, c.state, c.end_on, dep.state) == ("cancelled", "terminated", told_on + days(5), "closed")


def test_W20_contest_without_earlier_report_keeps_invoices_and_ends_on_the_call_day(sqlite_world):
    c = contract("AB00000005")
    req = WaterDeparture(kind="contest", departure_on=today() - days(40), index=10)
    dep = record_water_departure(c.id, req, user=user("agent.eau"), now=at(today()))
    assert dep.data["end_on"] == today().isoformat() and c.state == "terminating"
    assert any("W20" in e.message for e in dep.events)


def test_W12_no_access_leads_to_a_new_reading_appointment_billed_with_the_fee(sqlite_world):
    from server.services.intake.departures import book_new_appointment
    c = contract("AB00000005")
    dep = record_water_departure(c.id, WaterDeparture(kind="unannounced"), user=user("agent.eau"), now=at(today()))
    orders_of(dep.id)[0].state = "reported"  # the visit took place: nobody there
    again = book_new_appointment(dep.id, today() + days(7), user=user("agent.eau"), now=at(today() + days(2)))
    assert [o.type for o in orders_of(dep.id)] == ["READING", "READING"]
    assert (again.travel_fee, again.planned_date, c.state) == (True, today() + days(7), "terminating")
    with pytest.raises(DomainError, match="passée"):
        book_new_appointment(dep.id, today() - days(1), user=user("agent.eau"), now=at(today()))


def test_W15_a_second_appointment_moves_the_pending_reading_order_instead_of_issuing_another(sqlite_world):
    from server.services.intake.departures import book_new_appointment
    c = contract("AB00000049")
    dep = immediate("AB00000049", departure_on=today(), index=1000, reading_choice="appointment",
                    appointment_on=today() + days(3))
    [first] = orders_of(dep.id)
    version = first.version
    moved = book_new_appointment(dep.id, today() + days(4), user=user("agent.eau"), now=at(today()))
    assert moved.id == first.id and [o.type for o in orders_of(dep.id)] == ["READING"]
    assert (moved.planned_date, moved.state, c.state) == (today() + days(4), "issued", "terminating")
    assert moved.version > version
    assert any(e.kind == "reading_moved" and first.ref in e.message for e in dep.events)


def test_W18_the_DEP_timeline_names_the_arrival_dossier_it_opened(sqlite_world):
    dep = immediate("AB00000005", departure_on=today(), index=3790, successor_name="Paul Nouveau")
    arrival = db.session.query(Dossier).filter(Dossier.type == "ASI").order_by(Dossier.id.desc()).first()
    assert dep.state == "closed" and arrival.data["from"] == dep.ref
    assert any(e.kind == "arrival_opened" and arrival.ref in e.message and "Dossier d'arrivée" in e.message
               for e in dep.events)


def test_W17_a_terminated_contract_is_not_closed_twice(sqlite_world):
    dep = immediate("AB00000005", departure_on=today(), index=3790)
    c = contract("AB00000005")
    with pytest.raises(IllegalTransition, match="déjà résilié"):
        terminate_contract(c, end_on=today(), index=3795, read_on=today(), source="agent", travel_fee=False,
                           dossier=dep, user=user("agent.eau"), now=at(today()))
    assert db.session.query(Invoice).filter_by(contract_id=c.id).count() == 1


def test_W10_immediate_departure_confirms_the_open_dsi_and_a_second_departure_is_refused(sqlite_world):
    dsi = announce("AB00000005", today() + days(3))
    with pytest.raises(DomainError, match="déjà annoncé"):
        announce("AB00000005", today() + days(9))
    with pytest.raises(DomainError, match="annoncé"):
        immediate("AB00000005", departure_on=today() + days(2), index=3790)
    dep = immediate("AB00000005", departure_on=today(), index=1, reading_choice="photo")
    assert (dsi.step, dsi.due_on, dep.step) == ("confirmed", None, "awaiting_photo")
    with pytest.raises(DomainError, match="déjà en cours"):
        immediate("AB00000005", departure_on=today(), index=3790)


def test_W8_reminder_goes_through_the_pluggable_sender_and_a_failing_gateway_keeps_it_in_the_outbox(sqlite_world):
    from server.services.dossiers.communications import use_sender
    sent = []
    use_sender(lambda message: sent.append((message.channel, message.recipient)))
    try:
        planned = today() + days(1)
        announce("AB00000005", planned)
        announce("AB00000013", planned + days(1))
        tick(at(planned + days(10)), calendar=CAL)
        assert sent == [("email", "client@example.org")]

        def broken(message):
            raise OSError("gateway down")
        use_sender(broken)
        assert tick(at(planned + days(11)), calendar=CAL) == {"reminders": 1}
        assert [m.status for m in db.session.query(Communication).order_by(Communication.id)] == ["queued", "failed"]
    finally:
        use_sender(None)


def test_W14_arrival_dossier_closes_and_reopens_and_its_page_lists_the_allowed_actions(sqlite_world):
    immediate("AB00000005", departure_on=today(), index=3790)
    asi = arrival_at(contract("AB00000005").delivery_point_id)
    assert dossier_service.allowed_actions(asi) == ["close"]
    dossier_service.close_dossier(asi.id, user=user("agent.eau"), now=at(today()))
    assert (asi.state, dossier_service.allowed_actions(asi)) == ("closed", ["reopen"])
    dossier_service.reopen_dossier(asi.id, user=user("agent.eau"), now=at(today()))
    page = dossier_service.dossier_page(asi.id)
    assert asi.state == "open" and [e.kind for e in page.events] == ["opened", "closed", "reopened"]


def test_W18_unknown_successor_in_a_rented_dwelling_needs_the_owner_contacts_verified(sqlite_world):
    c = contract("AB00000012")
    assert c.point.rented and c.point.contacts
    with pytest.raises(DomainError) as err:
        immediate("AB00000012", departure_on=today(), index=10**6, reading_choice="photo")
    assert "owner_verified" in err.value.fields
    immediate("AB00000012", departure_on=today(), index=10**6, reading_choice="photo", owner_verified=True)
    assert all(contact.verified_on == today() for contact in c.point.contacts)
