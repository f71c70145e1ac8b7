"""The offline PIN resists guessing: after five wrong PINs in a row the tablet forgets it and asks for
the password again (online); nothing queued is lost and the report still goes up."""
from tests.e2e.pwa_support import PASSWORD, PIN, enrolled_tablet, fill_form, finish, idb, outbox, wait_outbox_empty


def current(page) -> dict:
    return idb(page, "return (await m('db/technicians.js')).currentTechnician(db);")


def test_five_wrong_pins_ask_for_the_password_again_and_keep_the_outbox(browser, tmp_path):
    with enrolled_tablet(browser, tmp_path, "tech.elec1") as (office, context, page, reading):
        context.set_offline(True)
        fill_form(page, reading)
        finish(page)
        page.reload()                                    # the tablet was put down: the key is forgotten
        for left in (4, 3, 2, 1):
            page.fill("#unlock-pin", "0000")
            page.click("form button[type=submit]")
            page.wait_for_selector(f"text=({left} essai(s) restant(s))")
        page.fill("#unlock-pin", "0000")
        page.click("form button[type=submit]")
        page.wait_for_selector("#pin-locked")
        assert page.input_value("#login") == "tech.elec1"
        assert current(page)["pin"] is None and current(page)["pin_locked"]
        assert [e["state"] for e in outbox(page)] == ["queued"]   # nothing lost

        context.set_offline(False)
        page.fill("#password", PASSWORD)
        page.fill("#pin", "2468")
        page.fill("#pin2", "2468")
        page.click("form button[type=submit]")
        page.wait_for_selector("#orders")
        wait_outbox_empty(page)
        assert [r["order_id"] for r in office.reports()] == [reading]   # read with the key the password opened
        technician = current(page)
        assert technician["pin"]["iterations"] and technician["password_key"]["iterations"] and not technician["pin_locked"] and technician["pin_failures"] == 0


def test_pins_tried_at_once_stay_within_the_five_tries(browser, tmp_path):
    # The form can be sent again and again while the key derivation of the first PIN runs: each try
    # must be counted before its check, or a burst of tries (here eleven wrong, then the right one)
    # all read "no failure yet" and the limit never comes.
    with enrolled_tablet(browser, tmp_path, "tech.elec1") as (office, context, page, reading):
        page.reload()
        page.wait_for_selector("#unlock-pin")
        answers = page.evaluate("""async (pin) => {
            const shown = tournee.technician;
            const wrong = Array.from({ length: 11 }, (_, i) => String(1000 + i)).filter((p) => p !== pin);
            return Promise.all([...wrong, pin].map((p) => tournee.unlock(shown, p)));
        }""", PIN)
        assert answers[-1] == 0 and not any(a is True for a in answers)                # the right PIN came too late
        assert sorted(answers, reverse=True)[:4] == [4, 3, 2, 1]        # each try counted once
        page.wait_for_selector("#pin-locked")
        technician = current(page)
        assert technician["pin"] is None and technician["pin_locked"]
        assert technician["password_key"]["iterations"]                   # the password still opens the data
