"""Each office role lands on its work queue: cheap counts with links, oldest first (SQLite and PostgreSQL)."""
from datetime import timedelta

from server.services.reporting.work_queues import work_queue
from server.services.review.reports import countersign_report
from tests.review_reports import CHIEF_SIGNATURE, NOW, demo_order, store_report, user


def counts(login: str) -> dict:
    return {item.key: (item.count, item.oldest, item.url) for item in work_queue(user(login), NOW.date())}


def test_each_role_sees_what_waits_for_it_in_its_utility(demo_ctx):
    older = store_report(demo_order("P00000001"), answers={"index": 800}, received_at=NOW - timedelta(days=2))
    store_report(demo_order("P00000002"), answers={"index": 810})
    before = counts("chef.eau")["to_countersign"][0]
    assert before >= 2 and counts("chef.eau")["to_countersign"][1] <= (NOW - timedelta(days=2)).date()
    assert counts("chef.eau")["to_countersign"][2] == "/reports/review"
    assert "to_countersign" not in counts("agent.eau")                  # the chief's work, not the agent's
    assert counts("chef.elec").get("to_countersign", (0,))[0] == 0      # another utility's reports
    accept_before = counts("agent.eau")["to_accept"][0]
    countersign_report(older.id, chief=user("chef.eau"), signature=CHIEF_SIGNATURE, now=NOW)
    assert counts("chef.eau")["to_countersign"][0] == before - 1
    assert counts("agent.eau")["to_accept"][0] == accept_before + 1
    assert set(counts("controle")) == {"tasks_due", "invoices_to_control"}
    assert set(counts("caisse")) == {"tasks_due", "balances_at_cashier"}


def test_the_home_page_lists_the_work_with_links(office):
    page = office("chef.eau").get("/").get_data(as_text=True)
    assert 'id="work-title"' in page and ('href="/reports/review"' in page or 'id="work-done"' in page)
