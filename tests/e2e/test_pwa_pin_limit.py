"""The offline PIN resists guessing: after five wrong PINs in a row the tablet forgets it and asks for
the password again (online); nothing queued is lost and the report still goes up."""
from tests.e2e.pwa_support import (Office, PASSWORD, enrol, fill_form, finish, idb, outbox, start_server,
                                   wait_controlled, wait_outbox_empty)


def test_five_wrong_pins_ask_for_the_password_again_and_keep_the_outbox(browser, tmp_path):
    server = start_server(tmp_path)
    office = Office(server)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        enrol(page, server.url, "tech.elec1")
        wait_controlled(page)
        reading = next(o["id"] for o in office.orders_of("tech.elec1") if o["type"] == "READING")
        context.set_offline(True)
        fill_form(page, reading)
        finish(page)
        page.evaluate("sessionStorage.clear()")          # the tablet was put down: locked again
        page.reload()
        for left in (4, 3, 2, 1):
            page.fill("#unlock-pin", "0000")
            page.click("form button[type=submit]")
            page.wait_for_selector(f"text=({left} essai(s) restant(s))")
        page.fill("#unlock-pin", "0000")
        page.click("form button[type=submit]")
        page.wait_for_selector("#pin-locked")
        assert page.input_value("#login") == "tech.elec1"
        technician = idb(page, "return (await m('db/technicians.js')).currentTechnician(db);")
        assert technician["pin"] is None and technician["pin_locked"]
        assert [e["state"] for e in outbox(page)] == ["queued"]   # nothing lost

        context.set_offline(False)
        page.fill("#password", PASSWORD)
        page.fill("#pin", "2468")
        page.fill("#pin2", "2468")
        page.click("form button[type=submit]")
        page.wait_for_selector("#orders")
        wait_outbox_empty(page)
        assert [r["order_id"] for r in office.reports()] == [reading]
        technician = idb(page, "return (await m('db/technicians.js')).currentTechnician(db);")
        assert technician["pin"]["hash"] and not technician["pin_locked"] and technician["pin_failures"] == 0
    finally:
        context.close()
        server.stop()
