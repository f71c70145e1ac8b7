"""E7: a section chief goes through 20 clean reports with the keyboard ("B": judged clean, next) and
countersigns them together with one drawn signature; each report is sealed on its own. The time it
takes is printed (bench/README.md keeps the figure)."""
import time
from datetime import timedelta

from tests.e2e.office_steps import draw_signature, signed_in
from tests.e2e.pwa_support import Office, start_server

COUNT = 20


def store_clean_reports(office: Office, count: int) -> list[int]:
    from server.models import Order, Report
    from tests.review_reports import NOW, store_report

    def act(db):
        orders = db.session.query(Order).filter(Order.type == "READING", Order.assignee_id.isnot(None)).all()
        water = [o for o in orders if o.point.commune.utility == "water"]
        ids = []
        for i in range(count):
            order = water[i % len(water)]
            previous = office_previous_index(order)
            ids.append(store_report(order, answers={"index": previous + 5}, received_at=NOW - timedelta(minutes=60 - i)).id)
        return ids

    def office_previous_index(order):
        from server.sync_store import meter_facts
        return (meter_facts(order.meter, NOW.date()) or {}).get("previous_index") or 0
    return office._run(act)


def test_E7_a_chief_reviews_and_countersigns_20_clean_reports(browser, tmp_path):
    server = start_server(tmp_path)
    try:
        office = Office(server)
        ids = store_clean_reports(office, COUNT)
        page = signed_in(browser, server.url, "chef.eau")
        page.set_viewport_size({"width": 1280, "height": 800})
        started = time.monotonic()
        page.goto(server.url + "/reports/review")
        page.wait_for_selector("#review")
        for n in range(COUNT):
            assert page.locator("#judge-clean").is_visible()
            assert page.locator("#judge-clean").bounding_box()["y"] < 800        # the review fits above the fold
            assert page.locator("#review-index").is_visible() and page.locator("#flags").is_visible()
            with page.expect_navigation():
                page.keyboard.press("b")
        page.wait_for_selector("#batch-form")
        assert f"({COUNT})" in page.inner_text("#batch h2")
        draw_signature(page, "#batch canvas.signature-pad")
        page.click("#batch-submit")
        page.wait_for_selector("text=chacun scellé")
        elapsed = time.monotonic() - started
        print(f"\nchief review of {COUNT} clean reports: {elapsed:.1f} s ({elapsed / COUNT:.2f} s per report)")

        from server.models import Countersignature, Report
        states = office._run(lambda db: {r.id: r.state for r in db.session.query(Report).filter(Report.id.in_(ids))})
        seals = office._run(lambda db: [c.seal_sha256 for c in db.session.query(Countersignature).filter(Countersignature.report_id.in_(ids))])
        assert set(states.values()) == {"countersigned"} and len(set(seals)) == COUNT
        page.context.close()
    finally:
        server.stop()
