"""A new version of the app deployed while a report is queued and a form is open: announced,
applied only once no form is open, and nothing is lost (PITFALLS 1)."""
import shutil

from tests.e2e.pwa_support import (ROOT, Office, enrol, fill_form, finish, order_states, outbox, poll,
                                   start_server, unlock, wait_controlled, wait_outbox_empty)


def shell_version(page) -> str:
    return page.evaluate("""async () => (await caches.keys()).filter((k) => k.startsWith('tournee-shell-')).join(',')""")


def test_new_version_waits_for_the_form_and_loses_nothing(browser, tmp_path):
    build = tmp_path / "pwa"
    shutil.copytree(ROOT / "pwa", build)
    server = start_server(tmp_path, env={"TOURNEE_PWA_DIR": str(build)})
    office = Office(server)
    context = browser.new_context(locale="fr-FR", viewport={"width": 800, "height": 1280})
    try:
        orders = {o["type"]: o["id"] for o in office.orders_of("tech.elec1")}
        page = context.new_page()
        enrol(page, server.url, "tech.elec1")
        wait_controlled(page)
        old = shell_version(page)

        # The server cannot be reached by the API: one report queued, one form open as a draft.
        context.route("**/api/v1/**", lambda route: route.abort())
        fill_form(page, orders["READING"])
        finish(page)
        assert [e["state"] for e in outbox(page)] == ["queued"]
        fill_form(page, orders["CUTOFF"])

        # Deploy a new version; the tablet notices it while the form is open and does not apply it.
        labels = build / "src" / "views" / "labels.js"
        labels.write_text(labels.read_text() + "\n// v2\n")
        server.stop()
        server.start()
        page.evaluate("tournee.bridge.check()")
        poll(page, "() => tournee.updateReady === true")
        assert page.locator("#update").is_visible() and page.locator("#apply-update").count() == 0
        assert "après le formulaire" in page.inner_text("#update")

        # Back to the round: the update is offered, applied, the page reloads under the new version.
        page.click("a.btn")                        # ← Ordre
        page.click("a.btn")                        # ← Tournée
        page.click("#apply-update")
        poll(page, f"async () => document.body.dataset.ready === '1' && !(await caches.keys()).includes({old!r})")
        unlock(page)                               # the reload forgot the key: the PIN again
        assert shell_version(page) != old and "," not in shell_version(page)   # old cache gone after activation
        assert order_states(page) == {orders["READING"]: "done", orders["CUTOFF"]: "draft"}
        assert [e["state"] for e in outbox(page)] == ["queued"]

        # The API is back: the queued report goes up.
        context.unroute("**/api/v1/**")
        page.evaluate("tournee.sync()")
        wait_outbox_empty(page)
        assert [r["order_id"] for r in office.reports()] == [orders["READING"]]
    finally:
        context.close()
        server.stop()
