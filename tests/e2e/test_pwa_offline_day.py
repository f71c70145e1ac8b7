"""A technician's day without network (issue 5): enrol online, work offline with the server down,
close and reopen the app offline, then everything goes up when the network comes back."""
import io

import pytest
from PIL import Image

from tests.e2e.pwa_support import (Office, canonical, enrol, fill_form, finish, local_blobs, local_reports, open_tablet,
                                   order_states, outbox, sha256, start_server, unlock, wait_app, wait_controlled,
                                   wait_outbox_empty)

POSITION = {"latitude": 6.3654, "longitude": 2.4183}


@pytest.fixture
def playwright_sync(playwright_instance):
    return playwright_instance


def test_offline_day_reading_cutoff_removal_then_sync(playwright_sync, tmp_path):
    server = start_server(tmp_path)
    office = Office(server)
    try:
        office.give("REMOVAL", "arpnt.elec", "tech.elec1")
        orders = {o["type"]: o["id"] for o in office.orders_of("tech.elec1")}
        assert set(orders) == {"READING", "CUTOFF", "REMOVAL"}
        user_dir = tmp_path / "tablet"

        # Morning, online: enrol, the round downloads, the app shell is cached.
        context, page = open_tablet(playwright_sync, user_dir, POSITION)
        enrol(page, server.url, "tech.elec1")
        assert "3/3 ordres" in page.inner_text("#readiness")
        wait_controlled(page)

        # All day offline, the server down; meanwhile the office cancels the READING order.
        context.set_offline(True)
        server.stop()
        office.cancel(orders["READING"])
        for kind in ("READING", "CUTOFF"):
            fill_form(page, orders[kind])
            finish(page)
        fill_form(page, orders["REMOVAL"])          # left as a draft: not finished yet
        page.wait_for_timeout(300)
        context.close()

        # Reopen offline: the app comes from the cache, drafts and finished reports are there.
        context, page = open_tablet(playwright_sync, user_dir, POSITION, offline=True)
        page.goto(server.url + "/app/")
        wait_app(page)
        unlock(page)
        assert order_states(page) == {orders["READING"]: "done", orders["CUTOFF"]: "done", orders["REMOVAL"]: "draft"}
        assert len(outbox(page)) == 2
        page.goto(server.url + f"/app/#/form/{orders['REMOVAL']}")
        page.wait_for_selector(".photos img")                  # the draft's photo, from IndexedDB
        assert page.locator("input[autocapitalize=characters]").first.input_value() != ""
        finish(page)

        queued = {r["uuid"]: r["body"] for r in local_reports(page)}
        blobs = local_blobs(page)
        assert len(queued) == 3 and len(outbox(page)) == 3
        named = {a["sha256"] for body in queued.values() for a in body["attachments"]}
        assert named <= set(blobs) and len(named) >= 3   # the same photo stored once, a signature per report that needs one
        photos = {a["sha256"] for body in queued.values() for a in body["attachments"] if a["kind"] == "photo"}
        for sha in photos:                                 # compressed on the tablet, time and place recorded
            image = Image.open(io.BytesIO(blobs[sha]))
            assert image.format == "JPEG" and max(image.size) <= 1600 and len(blobs[sha]) < 300 * 1024
        for body in queued.values():
            photo = next(a for a in body["attachments"] if a["kind"] == "photo")
            assert photo["captured_at"] and photo["lat"] == POSITION["latitude"]

        # Network back: push before pull, everything acknowledged.
        server.start()
        context.set_offline(False)
        wait_outbox_empty(page)
        on_server = {r["uuid"]: r for r in office.reports()}
        assert set(on_server) == set(queued)
        for uuid, body in queued.items():
            assert canonical(on_server[uuid]["content"]) == canonical(body)
        for sha in named:
            assert office.blob(sha) == blobs[sha] and sha256(blobs[sha]) == sha
        assert on_server[next(u for u, b in queued.items() if b["order_id"] == orders["READING"])]["conflict"] == "cancelled"
        assert local_blobs(page) == {}                     # freed once acknowledged by hash
        page.goto(server.url + "/app/#/round")
        page.wait_for_selector(f"[data-order='{orders['READING']}'] .tag.conflict")
        assert order_states(page) == {orders["READING"]: "conflict", orders["CUTOFF"]: "sent", orders["REMOVAL"]: "sent"}
        context.close()
    finally:
        server.stop()
