"""When a departure dossier may be closed, and when it ends by itself (DESIGN.md §4 W17, E11, E12 and §4.1
"Work in the field comes first", "Every dossier ends by itself"). Plain values in, decisions out."""
from dataclasses import dataclass

CANCELLABLE_ORDER_STATES = ("issued", "assigned")      # still to be done in the field: may be cancelled
REPORT_PENDING_STATES = ("reported", "countersigned")  # done in the field: its report must be decided first


@dataclass(frozen=True)
class ClosingCheck:
    """What stands between a dossier and its closing."""
    orders_to_cancel: tuple[int, ...] = ()     # open orders: closing cancels them, with a reason
    reports_to_decide: tuple[int, ...] = ()    # orders whose report waits for the office: closing waits for it
    termination_to_settle: bool = False        # the contract is still in termination

    @property
    def needs_confirmation(self) -> bool:
        """Closing would cancel work: only behind a confirmation that says so, with a reason."""
        return bool(self.orders_to_cancel) or self.termination_to_settle

    @property
    def possible(self) -> bool:
        return not self.reports_to_decide


def closing_check(orders: list[tuple[int, str]], contract_state: str | None) -> ClosingCheck:
    """W17 (§4.1): a dossier is not closed while its orders are open or its contract is still in termination,
    except by cancelling them with a reason, behind a confirmation; a report already back from the field is
    decided (accepted or rejected) first. `orders` are (order id, state) pairs of the dossier."""
    return ClosingCheck(
        orders_to_cancel=tuple(oid for oid, state in orders if state in CANCELLABLE_ORDER_STATES),
        reports_to_decide=tuple(oid for oid, state in orders if state in REPORT_PENDING_STATES),
        termination_to_settle=contract_state == "terminating")


def contract_state_after_abandoned_termination(termination_billed: bool) -> str:
    """W17 (§4.1): closing a dossier whose termination is cancelled: with no closing or balance invoice the
    termination is abandoned and the contract stays active (and keeps being billed, W12); once the
    termination was billed it ends as billed, without the field work that was cancelled."""
    return "terminated" if termination_billed else "active"


def electricity_termination_done(contract_state: str | None, open_orders: int, open_tasks: int) -> bool:
    """E11/E12 (§4.1): an electricity termination ends by itself once its last step is done: the contract fully
    terminated (meter removed and its removal report controlled, or the MT closure) with nothing left open."""
    return contract_state == "terminated" and open_orders == 0 and open_tasks == 0
