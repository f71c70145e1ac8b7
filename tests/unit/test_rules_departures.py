"""The departure rules as plain functions (DESIGN.md §4): `pytest -k W10` runs the proof of W10."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from server.services.rules import departure_rules as rules
from server.services.rules.calendar import add_working_days, easter_sunday, french_public_holidays, is_working_day

TODAY = date(2026, 11, 23)


def commune(**kw):
    base = dict(name="Bordeaux", runs_water=True, runs_sewage=True, runs_electricity=False, water_manager=None)
    return SimpleNamespace(**{**base, **kw})


def meter(mode="manual", seen=None):
    return SimpleNamespace(reading_mode=mode, last_seen_on=seen)


def test_W1_commune_running_only_sewage_sends_the_customer_to_the_water_manager():
    st_medard = commune(name="Saint-Médard", runs_water=False, water_manager="Régie de l'eau")
    assert not rules.is_handled_by_us(st_medard, "water")
    assert not rules.is_handled_by_us(st_medard, "sewage")
    assert "Régie de l'eau" in rules.referral_message(st_medard)
    assert rules.is_handled_by_us(commune(), "water")
    assert not rules.is_handled_by_us(commune(), "electricity")


def test_W2_contract_ends_on_departure_day_with_trusted_reading_else_on_agent_reading_day():
    left, visit = date(2026, 11, 20), date(2026, 11, 27)
    assert rules.contract_end_date(departure_on=left, trusted=True, reading_on=visit) == left
    assert rules.contract_end_date(departure_on=left, trusted=False, reading_on=visit) == visit


@pytest.mark.parametrize("m,expected", [
    (meter("manual", TODAY - timedelta(days=200)), True),
    (meter("manual", TODAY - timedelta(days=365)), True),
    (meter("manual", TODAY - timedelta(days=366)), False),
    (meter("manual", date(2025, 11, 23)), True),    # 12 calendar months to the day
    (meter("manual", date(2025, 11, 22)), False),
    (meter("manual", None), False),
    (meter("radio", None), False),
    (meter("remote", None), True),
    (None, False),
])
def test_W3_trusted_reading_needs_a_meter_seen_within_12_months_or_remote_read(m, expected):
    assert rules.trusted_reading_allowed(m, TODAY) is expected


def test_W3_twelve_months_are_calendar_months_across_a_leap_day():
    after_leap_day = date(2028, 3, 1)
    assert rules.trusted_reading_allowed(meter("manual", date(2027, 3, 1)), after_leap_day)  # 366 days ago
    assert not rules.trusted_reading_allowed(meter("manual", date(2027, 2, 28)), after_leap_day)
    assert rules.trusted_reading_allowed(meter("manual", date(2028, 2, 28)), date(2029, 2, 28))


def test_W6_rented_dwelling_requires_owner_or_manager_contact():
    assert rules.owner_contact_required(True, set())
    assert not rules.owner_contact_required(True, {"agency"})
    assert not rules.owner_contact_required(False, set())


def test_W7_announced_departure_requires_planned_date_email_and_mobile():
    errors = rules.announced_departure_errors(email="", mobile=None, planned_on=None, today=TODAY)
    assert set(errors) == {"email", "mobile", "departure_on"}
    assert rules.announced_departure_errors(email="a@b.fr", mobile="06", planned_on=TODAY + timedelta(days=3),
                                            today=TODAY) == {}


def test_W8_reminder_on_calendar_day_10_and_analysis_on_day_30():
    planned = date(2026, 12, 1)
    assert rules.reminder_day(planned) == date(2026, 12, 11)
    assert rules.analysis_day(planned) == date(2026, 12, 31)


def test_W9_dsi_closes_only_when_contract_terminated():
    assert rules.dsi_may_close("terminated")
    assert not rules.dsi_may_close("active")
    assert not rules.dsi_may_close("terminating")


@pytest.mark.parametrize("days,task,orders,state,finish,cancelled,returned", [
    (-3, None, [], "cancelled", False, [], []),
    (0, None, [], "cancelled", False, [], []),
    (9, None, [], "cancelled", False, [], []),
    (10, None, [], "treated", False, [], []),
    (29, None, [], "treated", False, [], []),
    (30, "open", [], "treated", True, [], []),
    (45, "done", [(1, "assigned"), (2, "countersigned"), (3, "closed")], "treated", False, [1], [2]),
])
def test_W10_cancellation_windows(days, task, orders, state, finish, cancelled, returned):
    outcome = rules.cancellation_outcome(days, task, orders)
    assert (outcome.dossier_state, outcome.finish_task, outcome.cancel_orders, outcome.finish_return_of) == \
        (state, finish, cancelled, returned)


def test_W12_unannounced_departure_ends_on_call_day_even_with_an_inventory():
    call = date(2026, 11, 23)
    assert rules.unannounced_end_date(call_on=call, proof_on=None) == call
    assert rules.unannounced_end_date(call_on=call, proof_on=date(2026, 9, 30)) == call  # no legal value (§4.1)
    assert rules.unannounced_end_date(call_on=call, proof_on=date(2026, 12, 30)) == call


def test_W12_inventory_gives_the_index_only_when_coherent_and_not_older_than_the_last_billed_reading():
    billed = date(2026, 10, 1)
    assert rules.proof_gives_the_index(proof_on=date(2026, 10, 20), coherent=True, last_billed_on=billed)
    assert not rules.proof_gives_the_index(proof_on=date(2026, 10, 20), coherent=False, last_billed_on=billed)
    assert not rules.proof_gives_the_index(proof_on=date(2026, 9, 20), coherent=True, last_billed_on=billed)
    assert not rules.proof_gives_the_index(proof_on=None, coherent=True, last_billed_on=billed)


def test_W2_field_end_date_is_never_after_the_server_receipt_day():
    received = date(2026, 11, 23)
    assert rules.field_end_date(device_day=date(2026, 11, 25), received_on=received) == received
    assert rules.field_end_date(device_day=date(2026, 11, 22), received_on=received) == date(2026, 11, 22)


@pytest.mark.parametrize("index,on,coherent", [
    (1000, date(2026, 8, 15), True),    # between the July and October readings: W17 credit note, not a refusal
    (950, date(2026, 8, 15), False),    # below the reading before its date
    (1070, date(2026, 8, 15), False),   # above the reading after its date
    (1061, date(2026, 11, 20), True),   # after the last one, plausible
])
def test_W17_index_is_judged_against_the_readings_around_its_own_date(index, on, coherent):
    history = [(date(2026, 1, 1), 800), (date(2026, 7, 1), 980), (date(2026, 10, 1), 1060)]
    assert rules.index_is_coherent(index, history, on) is coherent


def test_W13_remote_index_checked_against_the_warehouse():
    assert rules.matches_warehouse(1000, 1001)
    assert not rules.matches_warehouse(1000, 1100)
    assert rules.matches_warehouse(1000, None)


@pytest.mark.parametrize("index,coherent", [(1100, True), (990, False), (5000, False)])
def test_W14_W15_index_coherence_against_history(index, coherent):
    history = [(date(2026, 1, 1), 800), (date(2026, 7, 1), 980), (date(2026, 10, 1), 1060)]
    assert rules.index_is_coherent(index, history, date(2026, 11, 20)) is coherent


def test_W18_arrival_branch_follows_what_is_known_of_the_successor():
    assert rules.arrival_branch(None) == "vacant"
    assert rules.arrival_branch({"name": " "}) == "vacant"
    assert rules.arrival_branch({"name": "Léa Martin"}) == "predecessor"
    assert rules.arrival_branch({"name": "Léa Martin", "source": "field"}) == "field"


def test_W19_letter_on_working_day_10_and_closure_on_working_day_30():
    opened = date(2026, 12, 18)  # Friday; 25 Dec and 1 Jan are holidays
    assert rules.vacant_letter_day(opened, "fr-working-days") == date(2027, 1, 5)
    assert rules.vacant_letter_day(opened, "calendar-days") == date(2026, 12, 28)
    assert rules.vacant_closure_day(opened, "fr-working-days") == add_working_days(opened, 30, "fr-working-days")


def test_W19_business_calendar_knows_french_public_holidays_including_easter_ones():
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    holidays = french_public_holidays(2026)
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25), date(2026, 7, 14), date(2026, 11, 11)} <= holidays
    assert len(holidays) == 11
    assert not is_working_day(date(2026, 5, 14), "fr-working-days")  # Ascension
    assert not is_working_day(date(2026, 11, 21), "fr-working-days")  # Saturday
    assert is_working_day(date(2026, 11, 21), "calendar-days")
    assert add_working_days(date(2026, 11, 6), 3, "fr-working-days") == date(2026, 11, 12)  # skips 11 Nov


def test_W22_remote_meter_without_recent_warehouse_data_is_a_remote_reading_failure():
    remote = meter("remote")
    assert rules.remote_data_missing(remote, None, TODAY)
    assert rules.remote_data_missing(remote, TODAY - timedelta(days=60), TODAY)
    assert not rules.remote_data_missing(remote, TODAY - timedelta(days=2), TODAY)
    assert not rules.remote_data_missing(meter("manual"), None, TODAY)


def test_E1_no_temporary_suspension():
    assert rules.suspension_allowed() is False


def test_E2_requester_identity_required_on_the_order():
    errors = rules.requester_errors("", None)
    assert set(errors) == {"requester_name", "requester_identity"}
    assert rules.requester_errors("Koffi Adjovi", "CNI 123") == {}


def test_E2_printed_order_is_confirmed_by_the_number_printed_on_it():
    from server.services.rules.signatures import printed_order_matches
    assert printed_order_matches(" at 0000123 ", "AT0000123")
    assert not printed_order_matches("AT0000124", "AT0000123") and not printed_order_matches("", "AT0000123")


def test_E5_classic_termination_is_a_cutoff_anticipated_one_a_reading():
    assert rules.termination_order_type(anticipated=False) == "CUTOFF"
    assert rules.termination_order_type(anticipated=True) == "READING"


def test_E10_removal_due_on_the_termination_date():
    assert rules.removal_due("BT", TODAY, TODAY)
    assert not rules.removal_due("BT", TODAY + timedelta(days=1), TODAY)
    assert not rules.removal_due("BT", None, TODAY)


def test_E12_mt_meter_is_not_removed():
    assert not rules.meter_removed_at_termination("MT")
    assert rules.meter_removed_at_termination("BT")
    assert not rules.removal_due("MT", TODAY, TODAY)


def test_W20_contested_billing_is_owed_until_reported_unless_we_missed_the_termination():
    invoices = [(1, date(2026, 6, 1), "paid"), (2, date(2026, 9, 1), "issued"), (3, date(2026, 10, 1), "paid"),
                (4, date(2026, 10, 5), "cancelled")]
    kept = rules.contested_billing_outcome(None, invoices)
    assert (kept.backdate, kept.cancel_invoices) == (False, [])  # paid invoices are not refunded
    missed = rules.contested_billing_outcome(date(2026, 8, 15), invoices)
    assert (missed.backdate, missed.cancel_invoices, missed.refund_invoices) == (True, [2, 3], [3])


def test_W19_no_letter_nor_closure_while_a_contract_is_active_on_the_point():
    assert rules.vacant_dwelling_may_proceed(0)
    assert not rules.vacant_dwelling_may_proceed(1)


def test_W18_unknown_successor_of_a_rented_dwelling_means_owner_contacts_verified():
    assert rules.owner_contacts_to_verify(rented=True, successor_known=False)
    assert not rules.owner_contacts_to_verify(rented=True, successor_known=True)
    assert not rules.owner_contacts_to_verify(rented=False, successor_known=False)
