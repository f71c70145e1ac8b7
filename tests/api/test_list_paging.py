"""Office lists page: a page shows at most its size, "page suivante" leads to the rest, every row is
shown once over the pages (reports queue, tasks), on SQLite and PostgreSQL."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Dossier, Order, Report, Task, User
from server.services.base import scope
from server.services.review.cockpit import QUEUE_PAGE_SIZE
from server.services.rules.paging import PAGE_SIZE, Page, PageRequest
from tests.conftest import sign_in
from tests.review_reports import NOW, store_report


def test_page_request_parses_anything_into_a_page():
    assert PageRequest.parse("3").offset == 2 * PAGE_SIZE and PageRequest.parse("3").fetch == PAGE_SIZE + 1
    for text in (None, "", "0", "-2", "abc", "1e9"):
        assert PageRequest.parse(text).number == 1
    assert PageRequest.parse("99999999").number == 10_000
    page = Page.of(list(range(PAGE_SIZE + 1)), PageRequest())
    assert len(page) == PAGE_SIZE and page.has_next and not page.has_previous and list(page)[-1] == PAGE_SIZE - 1


def _walk(client, path, marker):
    """Rows (by their data attribute) of every page, following the "page suivante" links."""
    seen, pages, url = [], 0, path
    while url and pages < 20:
        html = client.get(url).get_data(as_text=True)
        rows = re.findall(marker + r'="(\d+)"', html)
        assert len(rows) <= PAGE_SIZE
        seen += rows
        pages += 1
        found = re.search(r'<a rel="next" href="([^"]+)">page suivante</a>', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    return seen, pages


def test_task_list_pages(demo_app):
    with demo_app.app_context():
        agent = db.session.scalar(select(User).where(User.login == "agent.eau"))
        dossier = db.session.scalar(scope.visible(agent, Dossier).order_by(Dossier.id))  # tasks are seen through their dossier
        db.session.add_all(Task(kind="call_customer", title=f"Rappel {i}", role="agent", dossier_id=dossier.id,
                                due_on=date(2026, 12, 1) + timedelta(days=i % 7)) for i in range(2 * PAGE_SIZE + 7))
        db.session.commit()
        expected = {str(i) for i in db.session.scalars(select(Task.id).where(
            Task.state == "open", Task.role == "agent", scope.condition(agent, Task)))}
    client = demo_app.test_client()
    sign_in(client, "agent.eau")
    seen, pages = _walk(client, "/tasks", "data-task")
    assert pages >= 3 and len(seen) == len(set(seen)) and set(seen) == expected
    kind_seen, _ = _walk(client, "/tasks?kind=call_customer", "data-task")
    assert len(kind_seen) == len(set(kind_seen)) >= 2 * PAGE_SIZE + 7  # the filter is kept on the next pages


def test_report_queue_pages_what_the_role_acts_on_first(demo_app):
    with demo_app.app_context():
        orders = list(db.session.scalars(select(Order).where(Order.assignee_id.is_not(None)).order_by(Order.id)))
        water = [o for o in orders if o.point.commune.utility == "water"]
        assert water
        for i in range(QUEUE_PAGE_SIZE + 10):
            store_report(water[i % len(water)], received_at=NOW - timedelta(minutes=i))
        countersigned = db.session.scalars(select(Report).order_by(Report.id.desc()).limit(3)).all()
        for report in countersigned:
            report.state = "countersigned"
        db.session.commit()
        first_ids = [str(r.id) for r in sorted(countersigned, key=lambda r: (r.received_at, r.id))]
        expected = {str(i) for i in db.session.scalars(select(Report.id).where(
            Report.state.in_(("awaiting_blobs", "received", "countersigned")), Report.order_id.in_([o.id for o in water])))}
    client = demo_app.test_client()
    sign_in(client, "agent.eau")
    seen, pages = _walk(client, "/reports", "data-report")
    assert pages == 2 and len(seen) == len(set(seen)) and set(seen) == expected
    assert seen[:3] == first_ids  # an agent decides on countersigned reports: they come first
