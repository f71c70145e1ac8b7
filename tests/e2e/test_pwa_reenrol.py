"""A tablet revoked at the office: the next sync gets 401, nothing is lost, the technician signs in
again and the queued report goes up; the device row shows what the tablet reported of itself."""
from tests.e2e.pwa_support import (Office, PASSWORD, enrol, fill_form, finish, outbox, poll, start_server,
                                   wait_controlled, wait_outbox_empty)


def test_revoked_token_keeps_everything_and_asks_to_sign_in_again(browser, tmp_path):
    server = start_server(tmp_path)
    office = Office(server)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        enrol(page, server.url, "tech.elec1")
        wait_controlled(page)
        [device] = office.devices("tech.elec1")
        office.revoke(device["id"])

        reading = next(o["id"] for o in office.orders_of("tech.elec1") if o["type"] == "READING")
        fill_form(page, reading)
        finish(page)                                   # finishing syncs: the server answers 401
        poll(page, "() => tournee.technician && tournee.technician.needs_enrol === true")
        page.wait_for_selector("text=Session expirée")
        assert [e["state"] for e in outbox(page)] == ["queued"] and office.reports() == []

        page.click("text=Se reconnecter")
        page.wait_for_selector("#login")
        assert page.input_value("#login") == "tech.elec1"
        page.fill("#password", PASSWORD)
        page.fill("#pin", "2468")
        page.fill("#pin2", "2468")
        page.click("form button[type=submit]")
        wait_outbox_empty(page)
        assert [r["order_id"] for r in office.reports()] == [reading]
        old, new = office.devices("tech.elec1")
        assert old["revoked"] and not new["revoked"]
        assert new["app_version"] and len(new["app_version"]) == 16 and new["storage_quota"]
    finally:
        context.close()
        server.stop()
