"""Every threshold of DESIGN.md §4 probed on both sides of its exact limit (pure rules, no database)."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from server.services.rules import departure_rules as rules
from server.services.rules.departure_rules import Cancellation

TODAY = date(2026, 12, 5)


def commune(water=False, sewage=False, electricity=False):
    return SimpleNamespace(runs_water=water, runs_sewage=sewage, runs_electricity=electricity,
                           name="Lormont", water_manager=None)


@pytest.mark.parametrize("facts,service,expected", [
    (commune(water=True), "water", True),
    (commune(water=True), "sewage", False),          # water only: nobody here runs sewage
    (commune(water=True, sewage=True), "sewage", True),
    (commune(sewage=True), "sewage", False),         # sewage only: the water manager takes the departure
    (commune(sewage=True), "water", False),
    (commune(electricity=True), "electricity", True),
    (commune(water=True, sewage=True), "electricity", False),
])
def test_W1_who_handles_the_departure(facts, service, expected):
    assert rules.is_handled_by_us(facts, service) is expected


def test_W3_trust_window_is_twelve_months_to_the_day():
    seen = lambda day: SimpleNamespace(reading_mode="manual", last_seen_on=day)  # noqa: E731
    assert rules.trusted_reading_allowed(seen(date(2025, 12, 5)), TODAY) is True
    assert rules.trusted_reading_allowed(seen(date(2025, 12, 4)), TODAY) is False
    assert rules.trusted_reading_allowed(seen(None), TODAY) is False
    assert rules.trusted_reading_allowed(SimpleNamespace(reading_mode="remote", last_seen_on=None), TODAY) is True
    assert rules.trusted_reading_allowed(None, TODAY) is False


def test_W2_end_date_is_the_departure_only_with_a_trusted_reading():
    assert rules.contract_end_date(departure_on=TODAY, trusted=True, reading_on=date(2026, 12, 9)) == TODAY
    assert rules.contract_end_date(departure_on=TODAY, trusted=False, reading_on=date(2026, 12, 9)) == date(2026, 12, 9)
    assert rules.contract_end_date(departure_on=TODAY, trusted=False, reading_on=None) == TODAY


# W14/W15: history of 2 units a day; 10 days after the last reading 3 × 2 × 10 + 5 = 65 units are plausible.
HISTORY = [(date(2026, 8, 1), 1000), (date(2026, 11, 9), 1200)]
ON = date(2026, 11, 19)


def test_W14_coherence_bound_is_three_times_the_usual_daily_consumption_plus_slack():
    assert rules.index_is_coherent(1265, HISTORY, ON) is True
    assert rules.index_is_coherent(1266, HISTORY, ON) is False
    assert rules.index_is_coherent(1200, HISTORY, ON) is True
    assert rules.index_is_coherent(1199, HISTORY, ON) is False


def test_W14_low_consumers_keep_a_floor_of_two_units_a_day():
    low = [(date(2026, 8, 1), 1000), (date(2026, 11, 9), 1050)]  # half a unit a day
    assert rules.index_is_coherent(1075, low, ON) is True        # 2 × 10 + 5
    assert rules.index_is_coherent(1076, low, ON) is False
    single = [(date(2026, 11, 9), 1000)]
    assert rules.index_is_coherent(1025, single, ON) is True
    assert rules.index_is_coherent(1026, single, ON) is False


def test_W14_a_reading_on_the_same_day_counts_as_one_day():
    assert rules.index_is_coherent(1211, HISTORY, date(2026, 11, 9)) is True   # 6 × 1 + 5
    assert rules.index_is_coherent(1212, HISTORY, date(2026, 11, 9)) is False


def test_W15_rollover_is_plausible_only_with_dials_and_a_small_consumption():
    near_end = [(date(2026, 8, 1), 99_790), (date(2026, 11, 9), 99_990)]  # 2 units a day
    assert rules.index_is_coherent(3, near_end, ON, dials=5) is True
    assert rules.index_is_coherent(3, near_end, ON) is False
    assert rules.index_is_coherent(55, near_end, ON, dials=5) is True     # 65 units = 3 × 2 × 10 + 5
    assert rules.index_is_coherent(56, near_end, ON, dials=5) is False
    assert rules.index_is_coherent(99_000, near_end, ON, dials=5) is False


def test_W14_without_history_any_index_from_zero():
    assert rules.index_is_coherent(0, [], ON) is True
    assert rules.index_is_coherent(-1, [], ON) is False


def test_W13_warehouse_tolerance_is_two_units_or_one_percent():
    assert rules.matches_warehouse(1010, 1000) and rules.matches_warehouse(990, 1000)
    assert not rules.matches_warehouse(1011, 1000) and not rules.matches_warehouse(989, 1000)
    assert rules.matches_warehouse(102, 100) and not rules.matches_warehouse(103, 100)
    assert rules.matches_warehouse(98, 100) and not rules.matches_warehouse(97, 100)
    assert rules.matches_warehouse(5, None)


def test_W22_remote_data_missing_after_45_days():
    remote = SimpleNamespace(reading_mode="remote")
    assert rules.remote_data_missing(remote, TODAY - timedelta(days=45), TODAY) is False
    assert rules.remote_data_missing(remote, TODAY - timedelta(days=46), TODAY) is True
    assert rules.remote_data_missing(remote, None, TODAY) is True
    assert rules.remote_data_missing(SimpleNamespace(reading_mode="radio"), None, TODAY) is False
    assert rules.remote_data_missing(None, None, TODAY) is False


@pytest.mark.parametrize("role", ["owner", "manager", "agency", "landlord", "notary"])
def test_W6_a_known_owner_side_contact_is_enough(role):
    assert rules.owner_contact_required(True, {role}) is False
    assert rules.owner_contact_required(True, {role, "tenant"}) is False


def test_W6_rented_without_owner_contacts_needs_them():
    assert rules.owner_contact_required(True, set()) is True
    assert rules.owner_contact_required(True, {"tenant", "successor"}) is True
    assert rules.owner_contact_required(False, set()) is False


def test_W18_owner_contacts_verified_only_for_a_rented_dwelling_without_successor():
    assert rules.owner_contacts_to_verify(True, False) is True
    assert rules.owner_contacts_to_verify(True, True) is False
    assert rules.owner_contacts_to_verify(False, False) is False


def test_W7_an_announced_departure_needs_date_email_and_mobile():
    assert rules.announced_departure_errors(email="a@b.fr", mobile="0611", planned_on=TODAY, today=TODAY) == {}
    assert rules.announced_departure_errors(email=" ", mobile=None, planned_on=None, today=TODAY) == {
        "email": ["L'e-mail est obligatoire pour un départ annoncé (relance automatique)."],
        "mobile": ["Le mobile est obligatoire pour un départ annoncé (relance automatique)."],
        "departure_on": ["La date prévisionnelle de départ est obligatoire."]}
    assert rules.announced_departure_errors(email="a@b.fr", mobile="0611", planned_on=TODAY - timedelta(days=1),
                                            today=TODAY) == {
        "departure_on": ["Le départ est déjà passé : enregistrer un départ immédiat ou non signalé."]}


def test_W8_reminder_on_day_10_and_analysis_on_day_30_exactly():
    assert rules.reminder_day(date(2026, 2, 20)) == date(2026, 3, 2)
    assert rules.analysis_day(date(2026, 2, 20)) == date(2026, 3, 22)


def test_W19_letter_after_10_and_closure_after_30_business_days():
    assert rules.vacant_letter_day(date(2026, 12, 18), "calendar-days") == date(2026, 12, 28)
    assert rules.vacant_closure_day(date(2026, 12, 18), "calendar-days") == date(2027, 1, 17)
    assert rules.vacant_letter_day(date(2026, 6, 1), "fr-working-days") == date(2026, 6, 15)
    assert rules.vacant_closure_day(date(2026, 6, 1), "fr-working-days") == date(2026, 7, 13)
    assert rules.vacant_closure_day(date(2026, 6, 2), "fr-working-days") == date(2026, 7, 15)  # 14 July is off


@pytest.mark.parametrize("successor,branch", [
    (None, "vacant"), ({}, "vacant"), ({"name": "  "}, "vacant"), ({"name": None, "source": "field"}, "vacant"),
    ({"name": "Léa Girard"}, "predecessor"), ({"name": "Léa Girard", "source": "third_party"}, "third_party"),
    ({"name": "Léa Girard", "source": "field"}, "field"), ({"name": "Léa Girard", "source": "bogus"}, "predecessor"),
])
def test_W18_arrival_branch_follows_what_is_known_of_the_successor(successor, branch):
    assert rules.arrival_branch(successor) == branch


def test_W9_a_dsi_closes_only_once_terminated():
    assert rules.dsi_may_close("terminated") is True
    assert rules.dsi_may_close("terminating") is False and rules.dsi_may_close(None) is False


ORDERS = [(1, "issued"), (2, "assigned"), (3, "reported"), (4, "countersigned"), (5, "closed"), (6, "cancelled")]


@pytest.mark.parametrize("day,task,expected", [
    (0, None, Cancellation("cancelled")),
    (9, "open", Cancellation("cancelled")),
    (10, "open", Cancellation("treated")),
    (29, "open", Cancellation("treated")),
    (30, None, Cancellation("treated")),
    (30, "open", Cancellation("treated", finish_task=True)),
    (45, "done", Cancellation("treated", cancel_orders=[1, 2], finish_return_of=[3, 4])),
])
def test_W10_cancellation_at_the_day_limits(day, task, expected):
    assert rules.cancellation_outcome(day, task, ORDERS) == expected


def test_E1_E5_E12_fixed_answers():
    assert rules.suspension_allowed() is False
    assert rules.termination_order_type(True) == "READING" and rules.termination_order_type(False) == "CUTOFF"
    assert rules.meter_removed_at_termination("MT") is False
    assert rules.meter_removed_at_termination("BT") is True and rules.meter_removed_at_termination(None) is True


def test_E10_removal_due_on_the_termination_day_not_before():
    assert rules.removal_due("BT", TODAY, TODAY) is True
    assert rules.removal_due("BT", TODAY + timedelta(days=1), TODAY) is False
    assert rules.removal_due("BT", None, TODAY) is False
    assert rules.removal_due("MT", TODAY - timedelta(days=5), TODAY) is False


def test_W20_a_bill_issued_on_the_day_the_departure_was_reported_is_contested_too():
    outcome = rules.contested_billing_outcome(TODAY, [(1, TODAY, "paid"), (2, TODAY - timedelta(days=1), "issued"),
                                                      (3, TODAY + timedelta(days=30), "issued"),
                                                      (4, TODAY, "cancelled"), (5, TODAY, "draft"), (6, None, "issued")])
    assert (outcome.backdate, outcome.cancel_invoices, outcome.refund_invoices) == (True, [1, 3], [1])
    assert rules.contested_billing_outcome(None, [(1, TODAY, "paid")]).backdate is False


def test_E2_requester_identity_errors_exactly():
    assert rules.requester_errors(" ", None) == {
        "requester_name": ["Le nom du demandeur est obligatoire (E2)."],
        "requester_identity": ["La pièce d'identité du demandeur est obligatoire (E2)."]}
    assert rules.requester_errors("Codjo Akplogan", "CNI693090") == {}


def test_W14_an_unchanged_index_on_a_meter_with_dials_is_coherent():
    assert rules.index_is_coherent(1200, HISTORY, ON, dials=5) is True


def test_W14_the_usual_rate_from_two_readings_a_day_apart():
    two_days = [(date(2026, 11, 17), 1000), (date(2026, 11, 18), 1010)]  # 10 units a day
    assert rules.index_is_coherent(1045, two_days, date(2026, 11, 19)) is True   # 3 × 10 × 1 + 5
    assert rules.index_is_coherent(1046, two_days, date(2026, 11, 19)) is False
