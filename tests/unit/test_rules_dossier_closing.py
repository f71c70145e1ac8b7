"""W17, E11, E12 (§4.1): when a dossier may be closed and when it ends by itself, as plain decisions."""
import pytest

from server.services.rules.dossier_closing import (ClosingCheck, closing_check,
                                                   contract_state_after_abandoned_termination,
                                                   electricity_termination_done)

ORDERS = [(1, "issued"), (2, "assigned"), (3, "reported"), (4, "countersigned"), (5, "closed"), (6, "cancelled")]


def test_W17_open_orders_are_cancelled_and_reports_back_from_the_field_decided_first():
    check = closing_check(ORDERS, "active")
    assert check == ClosingCheck(orders_to_cancel=(1, 2), reports_to_decide=(3, 4), termination_to_settle=False)
    assert check.needs_confirmation is True and check.possible is False


def test_W17_a_contract_still_in_termination_needs_a_confirmation():
    check = closing_check([(5, "closed")], "terminating")
    assert check == ClosingCheck(termination_to_settle=True)
    assert check.needs_confirmation is True and check.possible is True


@pytest.mark.parametrize("state", ["active", "terminated", None])
def test_W17_nothing_left_closes_at_once(state):
    check = closing_check([(5, "closed"), (6, "cancelled")], state)
    assert check == ClosingCheck() and check.needs_confirmation is False and check.possible is True


def test_W17_an_abandoned_termination_ends_as_billed_only_once_billed():
    assert contract_state_after_abandoned_termination(True) == "terminated"
    assert contract_state_after_abandoned_termination(False) == "active"


@pytest.mark.parametrize("state,orders,tasks,done", [
    ("terminated", 0, 0, True), ("terminated", 1, 0, False), ("terminated", 0, 1, False),
    ("terminating", 0, 0, False), (None, 0, 0, False),
])
def test_E11_E12_an_electricity_termination_ends_by_itself_when_nothing_is_left(state, orders, tasks, done):
    assert electricity_termination_done(state, orders, tasks) is done
