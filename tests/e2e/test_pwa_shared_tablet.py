"""Two technicians on one tablet: the second sees nothing of the first (each one's data is sealed
under their own key), and the first one's unsynced report is kept and goes up under their own name
once they unlock again (PITFALLS 10)."""
from tests.e2e.pwa_support import (Office, enrol, fill_form, finish, idb, order_states, outbox, start_server, unlock,
                                   wait_outbox_empty)


def test_second_technician_sees_nothing_of_the_first(browser, tmp_path):
    server = start_server(tmp_path)
    office = Office(server)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    try:
        mine = {o["id"] for o in office.orders_of("tech.elec1")}
        theirs = {o["id"] for o in office.orders_of("arpnt.elec")}
        page = context.new_page()
        enrol(page, server.url, "tech.elec1")
        context.route("**/api/v1/sync/**", lambda route: route.abort())
        reading = next(o["id"] for o in office.orders_of("tech.elec1") if o["type"] == "READING")
        fill_form(page, reading)
        finish(page)
        fill_form(page, next(iter(mine - {reading})))                  # a draft too
        page.goto(server.url + "/app/#/round")
        assert len(outbox(page)) == 1
        context.unroute("**/api/v1/sync/**")

        enrol(page, server.url, "arpnt.elec", pin="1357")
        shown = {int(x) for x in page.eval_on_selector_all("#orders li", "els => els.map(e => e.dataset.order)")}
        assert shown == theirs
        assert set(order_states(page)) == theirs
        seen = idb(page, """return { drafts: (await (await m('db/drafts.js')).listDrafts(db, tech)).length,
                                     reports: (await (await m('db/reports.js')).listReports(db, tech)).length };""")
        assert seen == {"drafts": 0, "reports": 0}
        assert "0 en attente" in page.inner_text("#bar-sync")
        # The first one's rows, read with the app's own modules while the second is unlocked: clear
        # fields only (ids, states), nothing of their customers; their report waits for them.
        first = office.user_id("tech.elec1")
        theirs_seen = idb(page, "return (await m('db/orders.js')).listOrders(db, arg);", first)
        assert theirs_seen and all("premises" not in o and "contacts" not in o for o in theirs_seen)
        page.evaluate("tournee.sync()")
        assert office.reports() == [] and [e["state"] for e in outbox(page)] == ["queued"]

        # Back to the first technician: PIN, their round, their draft; their report goes up under their name.
        page.evaluate("tournee.switchUser()")
        page.evaluate(f"tournee.choose({first})")
        unlock(page)
        assert set(order_states(page)) == mine and "draft" in order_states(page).values()
        wait_outbox_empty(page)
        [report] = office.reports()
        assert report["order_id"] == reading and report["technician_id"] == first
    finally:
        context.close()
        server.stop()
