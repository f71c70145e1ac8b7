"""The chief countersigns on the technician's tablet (PROTOCOL §8, DESIGN E7/E11), offline, in the real
app against a live server: the review, the chief's drawing and code, the proof beside the report;
back online the office seals it on the tablet channel, or refuses a wrong code and the chief
countersigns on the office web."""
import pytest

from tests.e2e.office_steps import countersign, open_report_of, signed_in
from tests.e2e.pwa_support import (countersign_on_tablet, draw, enrol, fill_form, idb, local_reports, outbox,
                                   wait_controlled, wait_outbox_empty)

pytest.importorskip("forms")
CODE = "contresigne2026"


def technician_row(page) -> dict:
    return idb(page, "return (await m('db/technicians.js')).currentTechnician(db);")


def everything_stored(page) -> str:
    """Every record of the tablet's database, as text (blob bytes left out), and its web storage."""
    return idb(page, """
        const stores = [...db.idb.objectStoreNames];
        const dump = {};
        for (const store of stores) dump[store] = await db.read([store], (t) => t.all(store));
        return JSON.stringify(dump) + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    """)


def open_tablet(browser, url):
    context = browser.new_context(locale="fr-FR", geolocation={"latitude": 44.85, "longitude": -0.57},
                                  permissions=["geolocation"], viewport={"width": 1280, "height": 800})
    page = context.new_page()
    enrol(page, url, "tech.eau1")
    wait_controlled(page)
    return context, page


def first_reading(page) -> dict:
    orders = idb(page, "return (await m('db/orders.js')).listOrders(db, tech);")
    return min((o for o in orders if o["type"] == "READING"), key=lambda o: o["id"])


def shown(page, url, screen: str, selector: str) -> str:
    page.goto(url + f"/app/#/{screen}")
    page.wait_for_selector(selector)
    return page.inner_text(selector)


def test_E7_chief_countersigns_on_the_tablet_offline_and_the_office_finds_it_sealed(browser, live_server):
    from sync.content import content_hash
    from sync.proofs import countersignature_proof, derive_countersign_key
    url = live_server.url
    context, tablet = open_tablet(browser, url)
    chiefs = {c["login"]: c for c in technician_row(tablet)["countersigners"]}
    assert "chef.eau" in chiefs and "chef.elec" not in chiefs          # a chief of the same utility only
    order = first_reading(tablet)

    context.set_offline(True)                       # on site, no network

    def set_countersigners(chiefs_list):
        idb(tablet, """await (await m('db/technicians.js')).updateTechnician(db, tech, { countersigners: arg });""", chiefs_list)
    set_countersigners([])                          # no chief may countersign here: the office web only
    tablet.goto(url + f"/app/#/form/{order['id']}")
    tablet.wait_for_selector("#finish")
    assert tablet.locator("#countersign-start").count() == 0
    set_countersigners(list(chiefs.values()))
    tablet.goto(url + "/app/#/round")
    tablet.wait_for_selector("#orders")

    fill_form(tablet, order["id"])
    tablet.click("#countersign-start")
    tablet.wait_for_selector("#countersign-review")
    assert tablet.locator("#form-editor").is_hidden() and tablet.locator("#finish").is_hidden()
    review = tablet.inner_text("#countersign-review")
    meter = order["meter"]
    assert "index précédent" in review and str(meter["previous_index"]) in review and "plage plausible" in review
    photos = tablet.locator("#countersign-review .photos.whole img")
    assert photos.count() >= 1 and photos.first.evaluate("(img) => getComputedStyle(img).objectFit") == "contain"
    assert tablet.locator("#countersign-chief label").all_inner_texts() == [c["name"] for c in chiefs.values()]

    # The chief changes their mind: back to the form, the draft as it was.
    index_before = tablet.input_value("#f-index")
    tablet.click("#countersign-cancel")
    tablet.wait_for_selector("#form-editor", state="visible")
    assert tablet.locator("#countersign-review").count() == 0 and tablet.input_value("#f-index") == index_before
    assert outbox(tablet) == []

    # Nothing goes without a chief, a drawing and a code.
    tablet.click("#countersign-start")
    tablet.wait_for_selector("#countersign-review")
    if len(chiefs) == 1:                            # one chief listed: preselected
        assert tablet.is_checked("#countersign-chief input[value='chef.eau']")
    else:
        tablet.click("#countersign-confirm")
        assert "Choisissez le chef" in tablet.inner_text("#countersign-message")
        tablet.check("#countersign-chief input[value='chef.eau']")
    tablet.click("#countersign-confirm")
    assert "signer dans le cadre" in tablet.inner_text("#countersign-message")
    draw(tablet, tablet.locator("canvas#countersign-pad"), seed=4)
    tablet.click("#countersign-confirm")
    assert "code de contresignature" in tablet.inner_text("#countersign-message")
    tablet.click("#countersign-cancel")
    tablet.wait_for_selector("#form-editor", state="visible")

    countersign_on_tablet(tablet, "chef.eau", CODE)
    [entry] = outbox(tablet)
    [row] = local_reports(tablet)
    body = row["body"]
    chief = chiefs["chef.eau"]
    assert body["countersignature"]["chief_login"] == "chef.eau"
    assert body["countersignature"]["signature"]["signer_name"] == chief["name"]
    assert body["countersignature"]["signature"]["strokes"]
    drawing = [a for a in body["attachments"] if a["field"] == "countersignature"]
    assert [a["sha256"] for a in drawing] == [body["countersignature"]["signature"]["sha256"]]
    assert drawing[0]["kind"] == "signature" and drawing[0]["content_type"] == "image/png"
    key = derive_countersign_key(CODE, chief["salt"], chief["iterations"])
    assert entry["proof"] == countersignature_proof(key, body["uuid"], "chef.eau", content_hash(body))
    stored = everything_stored(tablet)
    assert CODE not in stored and key.hex() not in stored           # neither the code nor the key is kept
    assert "en attente d'envoi" in shown(tablet, url, f"order/{order['id']}", "#countersignature-state")
    assert "Bruno Lambert" in shown(tablet, url, "sync", "#countersignatures")

    context.set_offline(False)                      # network back: the report goes up with its proof
    wait_outbox_empty(tablet)
    chief_page = signed_in(browser, url, "chef.eau")
    open_report_of(chief_page, url, order["ref"])
    assert chief_page.inner_text("#report-state") == "contresigné"
    assert "le contenu vérifie" in chief_page.inner_text("#seal-status")
    seal = chief_page.inner_text("figure.countersignature figcaption")
    assert "Bruno Lambert (tablette)" in seal and "vérifie" in seal and "ne vérifie pas" not in seal
    assert "countersignature_invalid" not in chief_page.inner_html("#flags")
    assert chief_page.locator("#countersign-form").count() == 0     # nothing left to countersign

    assert shown(tablet, url, f"order/{order['id']}", "#countersignature-state").endswith("contresignature acceptée")
    assert "contresignature acceptée" in shown(tablet, url, "sync", "#countersignatures")
    context.close()


def test_E7_a_wrong_code_is_refused_and_the_chief_countersigns_on_the_office_web(browser, live_server):
    url = live_server.url
    context, tablet = open_tablet(browser, url)
    order = first_reading(tablet)
    context.set_offline(True)
    fill_form(tablet, order["id"])
    countersign_on_tablet(tablet, "chef.eau", "mauvais2026")
    context.set_offline(False)
    wait_outbox_empty(tablet)

    state = shown(tablet, url, f"order/{order['id']}", "#countersignature-state")
    assert "contresignature refusée (code incorrect) : le chef contresignera au bureau" in state
    assert "code incorrect" in shown(tablet, url, "sync", "#countersignatures")

    chief_page = signed_in(browser, url, "chef.eau")
    open_report_of(chief_page, url, order["ref"])
    assert chief_page.inner_text("#report-state") == "à contresigner"
    flag = chief_page.locator("[data-flag='countersignature_invalid']")
    assert flag.count() == 1 and "incorrect" in flag.inner_text()
    assert "le contenu vérifie" in chief_page.inner_text("#seal-status")   # the report itself counts, unchanged
    countersign(chief_page)
    assert "(bureau)" in chief_page.inner_text("figure.countersignature figcaption")
    context.close()
