"""A tablet revoked at the office: the next sync gets 401, nothing is lost, the technician signs in
again and the queued report goes up; the device row shows what the tablet reported of itself."""
from tests.e2e.pwa_support import PASSWORD, enrolled_tablet, fill_form, finish, outbox, poll, wait_outbox_empty


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
