"""A tablet revoked at the office: the next sync gets 401, nothing is lost, the technician signs in
again and the queued report goes up; the device row shows what the tablet reported of itself."""
from tests.e2e.pwa_support import (PASSWORD, Office, enrolled_tablet, fill_form, finish, outbox, poll, start_server,
                                   wait_app, wait_outbox_empty)


def test_revoked_token_keeps_everything_and_asks_to_sign_in_again(browser, tmp_path):
    with enrolled_tablet(browser, tmp_path, "tech.elec1") as (office, context, page, reading):
        [device] = office.devices("tech.elec1")
        office.revoke(device["id"])

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


def test_enrolment_whose_answer_was_lost_sent_again_leaves_one_tablet(browser, tmp_path):
    """DESIGN §7, PROTOCOL §2: the tablet sends its own enrolment id; the server enrols it, the 201 is
    lost on the way back, the technician signs in again: the same device answers, no ghost in the office."""
    server = start_server(tmp_path)
    office = Office(server)
    context = browser.new_context(locale="fr-FR", service_workers="block")
    sent = []

    def lose_the_first_answer(route):
        answer = route.fetch()                          # the server really enrols the tablet...
        sent.append((route.request.post_data_json, answer.status))
        if len(sent) == 1:
            route.abort()                               # ...and its answer never reaches the tablet
        else:
            route.fulfill(response=answer)
    try:
        before = len(office.devices("tech.elec1"))
        page = context.new_page()
        page.route("**/api/v1/devices", lose_the_first_answer)
        page.goto(server.url + "/app/")
        wait_app(page)
        page.fill("#login", "tech.elec1")
        page.fill("#password", PASSWORD)
        page.fill("#pin", "2468")
        page.fill("#pin2", "2468")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=Connexion impossible")
        assert len(office.devices("tech.elec1")) == before + 1
        page.click("form button[type=submit]")          # signs in again
        poll(page, "() => !!(window.tournee && tournee.technician && tournee.technician.device_id)")
        (first, _), (second, status) = sent
        assert status == 201 and first["enrolment_id"] == second["enrolment_id"]
        assert len(first["enrolment_id"]) == 36
        devices = office.devices("tech.elec1")
        assert len(devices) == before + 1 and not devices[-1]["revoked"]
        assert page.evaluate("tournee.technician.device_id") == devices[-1]["id"]
    finally:
        context.close()
        server.stop()
