"""The day's work in few gestures (issue 15), on a touch tablet in portrait: a plain READING in six
taps plus typing the index, questions only when they apply, the action bar always in view, errors that
say what to do, and the REMOVAL checklist one step at a time."""
import pytest

from tests.e2e.pwa_support import PHOTO, Office, enrol, idb, show_step_of, start_server, wait_outbox_empty

PORTRAIT = {"width": 800, "height": 1280}
LANDSCAPE = {"width": 1280, "height": 800}
MAX_TAPS = 6


class Taps:
    """The technician's finger: every gesture goes through here and is counted."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, selector: str) -> None:
        self.count += 1
        self.page.tap(selector)

    def photo(self, selector: str, path=PHOTO) -> None:
        """One tap on "Prendre une photo"; the camera app hands the picture back."""
        with self.page.expect_file_chooser() as chooser:
            self.tap(selector)
        chooser.value.set_files(str(path))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("gestures"))
    yield server
    server.stop()


@pytest.fixture
def tablet(browser, server):
    def open_as(login: str):
        context = browser.new_context(locale="fr-FR", viewport=PORTRAIT, has_touch=True)
        page = context.new_page()
        enrol(page, server.url, login)
        contexts.append(context)
        return page
    contexts = []
    yield open_as
    for context in contexts:
        context.close()


def meter_of(page, order_id: int) -> dict:
    return idb(page, "return (await (await m('db/orders.js')).getOrder(db, tech, arg)).meter;", order_id)


def visible(page, field_id: str) -> bool:
    return page.locator(f"[data-field='{field_id}']").is_visible()


def test_a_plain_reading_takes_six_taps_plus_the_index(tablet, server):
    page = tablet("tech.eau1")
    office = Office(server)
    order_id = next(o["id"] for o in office.orders_of("tech.eau1") if o["type"] == "READING")
    meter = meter_of(page, order_id)
    index = meter["plausible_min"] + 1
    finger = Taps(page)

    finger.tap(f"#orders a[href='#/order/{order_id}']")
    finger.tap("#start-form")
    page.wait_for_selector("#finish")
    assert page.locator("#finish").is_visible() and page.locator("#finish").bounding_box()["y"] < PORTRAIT["height"]
    assert not page.locator("canvas.signature").is_visible()            # no signature for a plain reading
    assert not visible(page, "rollover") and not visible(page, "confirm_implausible")
    finger.tap("#f-meter_serial-confirm")                                # "le compteur porte bien le n° …"
    assert page.locator("#f-meter_serial-confirmed").inner_text().endswith(f"{meter['serial']} confirmé")
    finger.tap("#f-index")
    page.keyboard.type(str(index))
    assert not visible(page, "rollover") and not visible(page, "confirm_implausible")
    finger.photo("#f-photo_index")
    page.wait_for_selector("[data-field='photo_index'] .photos img", timeout=15000)
    box = page.locator("#finish").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PORTRAIT["height"]  # the action bar stays in view
    finger.tap("#finish")
    page.wait_for_selector("#orders", timeout=10000)

    assert finger.count <= MAX_TAPS
    wait_outbox_empty(page)
    report = next(r for r in office.reports() if r["order_id"] == order_id)
    assert report["content"]["outcome"] == "done" and report["content"]["answers"]["index"] == index
    assert "sig_technician" not in report["content"]["answers"]


def test_questions_appear_only_when_they_apply_and_a_typo_asks_to_check(tablet, server):
    page = tablet("tech.eau1")
    order_id = [o["id"] for o in Office(server).orders_of("tech.eau1") if o["type"] == "READING"][-1]
    meter = meter_of(page, order_id)
    page.goto(server.url + f"/app/#/form/{order_id}")
    page.wait_for_selector("#finish")
    page.fill("#f-index", str(meter["previous_index"] - 1))
    assert visible(page, "rollover")
    page.fill("#f-index", str(meter["plausible_max"] + 1000))
    assert visible(page, "confirm_implausible") and not visible(page, "rollover")
    page.fill("#f-index", str(meter["plausible_min"]))
    assert not visible(page, "rollover") and not visible(page, "confirm_implausible")

    serial = meter["serial"]
    page.tap("#f-meter_serial-other")
    page.fill("#f-meter_serial", serial[:-1] + ("0" if serial[-1] != "0" else "1"))
    error = page.locator("[data-field='meter_serial'] .error")
    assert error.inner_text().startswith("Vérifiez la saisie")

    page.tap("#finish")                                                 # errors say what to do, at the field
    message = page.locator("#form-message").inner_text()
    assert message.startswith("À compléter :") and "Photo du cadran" in message
    assert page.locator("[data-field='photo_index'] .error").inner_text() == "Prenez une photo."
    assert "Obligatoire pour le résultat" not in page.locator("#view").inner_text()


def test_closure_states_the_branch_closed_once_and_removal_is_one_step_at_a_time(tablet, server):
    page = tablet("tech.eau1")
    closure = next(o["id"] for o in Office(server).orders_of("tech.eau1") if o["type"] == "CLOSURE")
    page.goto(server.url + f"/app/#/form/{closure}")
    page.wait_for_selector("#finish")
    text = page.locator("#view").inner_text()
    assert text.count("Branchement fermé") == 1                        # the outcome says it; not asked again

    page = tablet("arpnt.elec")
    removal = next(o["id"] for o in Office(server).orders_of("arpnt.elec") if o["type"] == "REMOVAL")
    page.set_viewport_size(LANDSCAPE)
    page.goto(server.url + f"/app/#/form/{removal}")
    page.wait_for_selector("#finish")
    assert page.locator("#form-steps button").count() >= 3            # long form in steps, the current one shown
    assert page.locator("#form-steps button[aria-current=step]").count() == 1
    show_step_of(page, "safety_steps")
    steps = page.locator("#f-safety_steps input[data-step]")
    for n in range(1, 9):
        assert steps.count() == n                                       # the steps done, then only the next one
        current = page.locator("#f-safety_steps li.current-step label").inner_text().split(". ", 1)[1]
        assert page.locator("#f-safety_steps-progress").inner_text() == f"Étape {n} sur 8 : {current}"
        box = page.locator("#finish").bounding_box()
        assert box["y"] + box["height"] <= LANDSCAPE["height"]
        steps.nth(n - 1).check()
    assert page.locator("#f-safety_steps-progress").inner_text() == "Les 8 étapes sont faites."
    page.wait_for_timeout(300)
    saved = idb(page, "return (await (await m('db/drafts.js')).getDraft(db, tech, arg)).answers.safety_steps;", removal)
    assert len(saved) == 8


def test_offline_the_map_and_the_sync_say_what_they_can_do(browser, tablet, server):
    page = tablet("tech.eau1")
    order_id = next(o["id"] for o in Office(server).orders_of("tech.eau1") if o["type"] == "READING")
    page.context.set_offline(True)
    page.goto(server.url + f"/app/#/order/{order_id}")
    page.wait_for_selector("#map-link")
    assert page.get_attribute("#map-link", "href").startswith("geo:")       # the device's own map app
    assert "Hors ligne" in page.inner_text("#map-offline") and page.locator("#map-web").count() == 0
    page.goto(server.url + "/app/#/sync")
    page.wait_for_selector("#sync-now")
    page.tap("#sync-now")
    assert page.inner_text("#sync-why").startswith("Hors ligne : rien ne peut partir maintenant.")
    page.context.set_offline(False)


def test_a_missing_signature_marks_the_empty_pad_not_the_name(tablet, server):
    page = tablet("tech.elec1")
    cutoff = next(o["id"] for o in Office(server).orders_of("tech.elec1") if o["type"] == "CUTOFF")
    page.goto(server.url + f"/app/#/form/{cutoff}")
    page.wait_for_selector("#finish")
    page.tap("#finish")
    assert page.locator("#form-steps button[aria-current=step]").inner_text().startswith("1.")   # at the first error
    assert "à compléter" in page.locator("#form-steps button[data-step='rest']").inner_text()     # where else to go
    show_step_of(page, "sig_technician")
    pad = page.locator("canvas#f-sig_technician")
    assert "empty" in pad.get_attribute("class")
    assert page.get_attribute("#f-sig_technician-name", "aria-invalid") == "false"   # the name is filled in already
    assert page.locator("[data-field='sig_technician'] .error").inner_text() == "Signez dans le cadre."


def test_a_tablet_is_named_at_enrolment(browser, server):
    context = browser.new_context(locale="fr-FR", viewport=PORTRAIT, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server.url + "/app/")
        page.wait_for_selector("#login")
        page.fill("#device-name", "Tablette équipe Nord 2")
        enrol(page, server.url, "tech.eau2")
        assert [d["name"] for d in Office(server).devices("tech.eau2")][-1:] == ["Tablette équipe Nord 2"]
    finally:
        context.close()
