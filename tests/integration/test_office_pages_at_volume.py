"""Issue 14: the board and the report queue stay a page, whatever the size of a round or of the queue.
A round's columns show COLUMN_SHOWN orders and count them all, one technician's round pages its columns,
and neither page sends more statements as its rows grow (SQLite and PostgreSQL)."""
import pytest
from sqlalchemy import select, update

from server.errors import Forbidden
from server.extensions import db
from server.models import Order, QuarantinedReport, ReportVersion
from server.services.base.planning_day import generate_day
from server.services.field import dispatch
from server.services.review import cockpit
from server.services.review.reports import review_flags, review_flags_of
from server.services.rules.paging import FIRST_PAGE, PageRequest
from tests.review_reports import NOW, demo_order, store_report, user
from tests.statements import statements_of


def lengthen_round(login: str, extra: int) -> list[int]:
    """`extra` more orders of the day in the technician's round, after those it has; their ids in round order."""
    before = set(db.session.scalars(select(Order.id)))
    generate_day(NOW.date(), utility="water", orders=extra, technicians=0)
    ids = sorted(set(db.session.scalars(select(Order.id))) - before)
    for position, order_id in enumerate(ids, start=100):
        db.session.execute(update(Order).where(Order.id == order_id)
                           .values(state="assigned", assignee_id=user(login).id, round_position=position))
    db.session.commit()
    return ids


def julien(board):
    return next(r for r in board.rounds if r.technician.login == "tech.eau1")


def test_a_long_round_shows_its_first_orders_and_counts_them_all(demo_ctx):
    added = lengthen_round("tech.eau1", dispatch.COLUMN_SHOWN + 12)
    everything = julien(dispatch.day_board(user("chef.eau"), NOW.date(), now=NOW))
    paged = julien(dispatch.day_board(user("chef.eau"), NOW.date(), now=NOW, page=FIRST_PAGE))
    whole = [o.id for o in everything.orders["assigned"]]
    assert whole[-len(added):] == added and len(whole) == 4 + dispatch.COLUMN_SHOWN + 12  # the planner sees all
    assert [o.id for o in paged.orders["assigned"]] == whole[:dispatch.COLUMN_SHOWN]
    assert paged.count("assigned") == len(whole) and paged.hidden("assigned") == len(whole) - dispatch.COLUMN_SHOWN
    assert paged.total == everything.total == len(whole)


def test_one_technicians_round_pages_its_columns(demo_ctx):
    lengthen_round("tech.eau1", dispatch.COLUMN_SHOWN + 12)
    whole = [o.id for o in julien(dispatch.day_board(user("chef.eau"), NOW.date(), now=NOW)).orders["assigned"]]
    tech = user("tech.eau1").id
    first = dispatch.day_board(user("chef.eau"), NOW.date(), now=NOW, page=FIRST_PAGE, technician_id=tech)
    second = dispatch.day_board(user("chef.eau"), NOW.date(), now=NOW, page=PageRequest(2), technician_id=tech)
    assert [r.technician.login for r in first.rounds] == ["tech.eau1"] and first.technician.login == "tech.eau1"
    assert first.unassigned == [] and first.page.has_next and not second.page.has_next
    shown = [o.id for o in first.rounds[0].orders["assigned"]] + [o.id for o in second.rounds[0].orders["assigned"]]
    assert shown == whole
    with pytest.raises(Forbidden):  # a technician of the other utility
        dispatch.day_board(user("chef.eau"), NOW.date(), now=NOW, page=FIRST_PAGE, technician_id=user("tech.elec1").id)


def test_the_board_reads_as_much_for_a_long_round_as_for_a_short_one(demo_ctx):
    def board_statements():
        return len(statements_of(lambda: dispatch.day_board(user("chef.eau"), NOW.date(), now=NOW, page=FIRST_PAGE))[1])
    short = board_statements()
    lengthen_round("tech.eau1", 40)
    store_report(demo_order("P00000002"), answers={"index": 1160})  # a done column too
    board_statements()  # the first look takes the report in (its order shows as reported): writes, once
    assert board_statements() == short


def queue_statements(login="agent.eau") -> int:
    cockpit.review_queue(user(login), now=NOW, page=FIRST_PAGE)  # takes the new reports in (writes, once)
    return len(statements_of(lambda: cockpit.review_queue(user(login), now=NOW, page=FIRST_PAGE))[1])


def test_the_queue_reads_at_most_one_statement_more_per_report(demo_ctx):
    orders = [db.session.get(Order, i) for i in lengthen_round("tech.eau1", 12)]
    store_report(orders[0], answers={"index": 10})
    one = queue_statements()
    for order in orders[1:]:
        store_report(order, answers={"index": 10})
    # Each row's meter history is its own lookup (the day it is read against is the report's); the rest
    # (corrections, contents kept aside, premises, meters, holders) is read once for the page.
    assert queue_statements() - one <= len(orders) - 1


def test_the_queue_flags_a_page_as_each_report_alone(demo_ctx):
    """Reading a page's facts at once gives each report the flags of its own reading: a correction, a
    content kept aside, an unknown contract holder, a missing photo."""
    orders = [db.session.get(Order, i) for i in lengthen_round("tech.eau1", 4)]
    plain = store_report(orders[0], answers={"index": 10})
    corrected = store_report(orders[1], answers={"index": 12})
    db.session.add(ReportVersion(report_id=corrected.id, number=2, content={**corrected.content, "answers": {"index": -4}},
                                 content_sha256="0" * 64, author_id=user("agent.eau").id, reason="test", created_at=NOW))
    aside = store_report(orders[2], answers={"index": 14})
    db.session.add(QuarantinedReport(uuid=aside.uuid, technician_id=orders[2].assignee_id, reason="mismatch",
                                     content_sha256="1" * 64, details="", content={}, received_at=NOW))
    waiting = store_report(orders[3], answers={"index": 16})
    waiting.state = "awaiting_blobs"
    other = store_report(demo_order("P00000002"), answers={"index": 1160}, conflict="cancelled")
    db.session.commit()
    reports = [plain, corrected, aside, waiting, other]
    alone = {r.id: review_flags(r) for r in reports}
    together = review_flags_of(reports)
    assert together == alone
    assert {f.code for f in together[aside.id]} - {f.code for f in together[plain.id]}  # the page is not all alike
    assert {f.code for f in together[corrected.id]} != {f.code for f in together[plain.id]}


def test_the_queue_pages_follow_one_another_what_the_role_acts_on_first(demo_ctx):
    """The queue is cut into pages by the database: the pages, read one after the other, give what the
    role acts on first (the agent: countersigned), then the other waiting reports, each oldest first."""
    from datetime import timedelta

    from server.services.review.reports import countersign_report
    from tests.review_reports import CHIEF_SIGNATURE
    orders = [db.session.get(Order, i) for i in lengthen_round("tech.eau1", 7)]
    reports = [store_report(order, answers={"index": 10 + i}, received_at=NOW - timedelta(minutes=60 - 7 * i),
                            device_time=NOW - timedelta(minutes=65 - 7 * i)) for i, order in enumerate(orders)]
    for report in reports[1::2]:
        countersign_report(report.id, chief=user("chef.eau"), signature=CHIEF_SIGNATURE, now=NOW)
    reports[2].state = "awaiting_blobs"
    db.session.commit()
    mine = {r.id for r in reports}

    def pages(login: str, size: int) -> list[int]:
        seen, number = [], 1
        while True:
            page = cockpit.review_queue(user(login), now=NOW, page=PageRequest(number, size=size))
            seen += [row.report.id for row in page if row.report.id in mine]
            if not page.has_next:
                return seen
            number += 1
    by_age = sorted(reports, key=lambda r: (r.received_at, r.id))
    countersigned = [r.id for r in by_age if r.state == "countersigned"]
    waiting = [r.id for r in by_age if r.state != "countersigned"]
    for size in (1, 2, 3):  # the first role's reports end inside a page, or with one
        assert pages("agent.eau", size) == countersigned + waiting, size
        assert pages("chef.eau", size) == [r.id for r in by_age if r.state == "received"] + \
            [r.id for r in by_age if r.state != "received"], size
