"""A 10-inch tablet in portrait and landscape: touch targets of 48 px at least, nothing wider than
the screen, and a signature that survives rotation and reload (PITFALLS 8)."""
import pytest

from tests.e2e.pwa_support import Office, enrol, idb, show_step_of, sign, start_server, unlock

PORTRAIT = {"width": 800, "height": 1280}
LANDSCAPE = {"width": 1280, "height": 800}

SMALL_TARGETS = """() => [...document.querySelectorAll('#view button, #view a, #view input, #view select, #view textarea, #bar button')]
    .filter((e) => e.offsetParent !== null)
    .map((e) => {
        const target = e.matches('input[type=radio], input[type=checkbox]') ? e.closest('label') : e;
        const box = target.getBoundingClientRect();
        return { what: e.outerHTML.slice(0, 80), w: box.width, h: box.height };
    })
    .filter((b) => b.h < 48 || b.w < 48)"""


@pytest.fixture(scope="module")
def tablet(browser, tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("ergonomics"))
    context = browser.new_context(locale="fr-FR", viewport=PORTRAIT, has_touch=True)
    page = context.new_page()
    enrol(page, server.url, "tech.elec1")
    yield server, page
    context.close()
    server.stop()


def test_touch_targets_and_width_in_both_orientations(tablet):
    server, page = tablet
    cutoff = next(o["id"] for o in Office(server).orders_of("tech.elec1") if o["type"] == "CUTOFF")
    for screen in ("#/round", f"#/order/{cutoff}", f"#/form/{cutoff}", "#/sync"):
        for viewport in (PORTRAIT, LANDSCAPE):
            page.set_viewport_size(viewport)
            page.goto(server.url + "/app/" + screen)
            page.wait_for_selector("#view h1")
            assert page.evaluate(SMALL_TARGETS) == [], (screen, viewport)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (screen, viewport)


def test_signature_survives_rotation_and_reload(tablet):
    server, page = tablet
    reading = next(o["id"] for o in Office(server).orders_of("tech.elec1") if o["type"] == "CUTOFF")
    page.goto(server.url + f"/app/#/form/{reading}")
    page.wait_for_selector("#finish")
    show_step_of(page, "sig_technician")
    canvas = page.locator("canvas#f-sig_technician")
    sign(page, canvas, "Mawulé Tossou")
    before = idb(page, "return (await (await m('db/drafts.js')).getDraft(db, tech, arg)).answers.sig_technician;", reading)
    assert before["strokes"] and before["sha256"]
    ink = "() => { const c = document.querySelector('canvas#f-sig_technician'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n += 1; return n; }"
    drawn = page.evaluate(ink)
    assert drawn > 100
    page.set_viewport_size(LANDSCAPE)                      # rotate
    page.wait_for_timeout(200)
    assert page.evaluate(ink) == drawn
    page.reload()
    unlock(page, then="#finish")                           # a reload locks: the key is in memory only
    show_step_of(page, "sig_technician")
    assert page.evaluate(ink) == drawn                     # redrawn from the stored strokes
    after = idb(page, "return (await (await m('db/drafts.js')).getDraft(db, tech, arg)).answers.sig_technician;", reading)
    assert after == before


def test_a_signature_keeps_its_shape(tablet):
    """The pad is shown at the 8:3 shape of its drawing, so stored strokes are not stretched."""
    server, page = tablet
    cutoff = next(o["id"] for o in Office(server).orders_of("tech.elec1") if o["type"] == "CUTOFF")
    for viewport in (PORTRAIT, LANDSCAPE):
        page.set_viewport_size(viewport)
        page.goto(server.url + f"/app/#/form/{cutoff}")
        page.wait_for_selector("#finish")
        show_step_of(page, "sig_technician")
        box = page.locator("canvas#f-sig_technician").bounding_box()
        assert abs(box["width"] / box["height"] - 800 / 300) < 0.03, (viewport, box)
