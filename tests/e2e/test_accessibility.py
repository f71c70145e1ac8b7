"""axe-core finds no violation on any of the office's screens nor the tablet's, in the real browser.

The office's screens are listed from the app's URL map (tests/office_screens.py): every GET rule for every role it
grants, with one object of each kind from the demo world as `make run` shows it (reports in every state, dossiers
whose timelines ran), so a new page is checked without anyone editing this test. The tablet's: enrolment, round,
each order and each step of its form with and without errors, the chief's review, the report sent, sync, the PIN
and the choice of technician. One browser, one page per login."""
from datetime import date

from tests.e2e.axe import violations
from tests.e2e.office_steps import signed_in
from tests.e2e.pwa_support import Office, enrol, fill_form, start_server, wait_app
from tests.office_screens import IMPORT_FILE, build_demo_world, demo_ids, screens


def demo_world(office: Office) -> dict:
    """Builds the demo world in the live server's database; its objects' ids per utility, one of each kind."""
    def act(db):
        build_demo_world(office.server.instance / "blobs", date.today())
        return {utility: demo_ids(utility, every=False) for utility in ("water", "electricity")}
    return office._run(act)


def import_job(page, base_url: str) -> str:
    """The admin checks an import file, as in the office: the job's page is a screen too."""
    page.goto(base_url + "/admin/imports")
    page.select_option("#kind", "customers")
    page.set_input_files("#file", str(IMPORT_FILE))
    page.click("button:has-text('Vérifier le fichier')")
    page.wait_for_selector("text=Vérification réussie", timeout=60_000)
    return page.url.rstrip("/").rsplit("/", 1)[1]


def test_no_accessibility_violation_on_any_office_screen(browser, tmp_path):
    server = start_server(tmp_path)
    try:
        office = Office(server)
        ids = demo_world(office)
        pages = {"admin": signed_in(browser, server.url, "admin")}
        ids["water"]["job_id"] = [import_job(pages["admin"], server.url)]
        listed = screens(office.app, ids, every_login=False)
        assert {"/admin/calendar", "/dossiers/<id>", "/reports/review/<id>", "/cashier/invoices/<id>"} <= {
            _shape(path) for _, path in listed}, "the URL map's screens are not all listed"
        found, statuses = {}, {}
        for login, path in listed:
            if login not in pages:
                pages[login] = signed_in(browser, server.url, login)
            page = pages[login]
            page.set_viewport_size({"width": 1280, "height": 800})
            answer = page.goto(server.url + path)
            if answer.status != 200:
                statuses[f"{login} {path}"] = answer.status
            elif problems := violations(page):
                found[f"{login} {path}"] = problems
        for page in pages.values():
            page.context.close()
        assert statuses == {} and found == {}
        assert len(listed) > 60, len(listed)
    finally:
        server.stop()


def _shape(path: str) -> str:
    return "/".join("<id>" if part.isdigit() else part for part in path.split("/"))


def test_no_accessibility_violation_on_any_tablet_screen(browser, tmp_path):
    server = start_server(tmp_path)
    context = browser.new_context(locale="fr-FR", viewport={"width": 800, "height": 1280}, has_touch=True)
    try:
        page = context.new_page()
        found = {}

        def check(name: str) -> None:
            if problems := violations(page, "#view"):
                found[name] = problems
        page.goto(server.url + "/app/")
        page.wait_for_selector("#login")
        check("login")
        enrol(page, server.url, "tech.elec1")
        office = Office(server)
        orders = {o["type"]: o["id"] for o in office.orders_of("tech.elec1")}
        check("round")
        for kind, order_id in orders.items():
            page.goto(server.url + f"/app/#/order/{order_id}")
            page.wait_for_selector("#start-form")
            check(f"order {kind}")
            page.goto(server.url + f"/app/#/form/{order_id}")
            page.wait_for_selector("#finish")
            steps = page.eval_on_selector_all("#form-steps button", "(bs) => bs.map((b) => b.dataset.step)")
            for step in steps or ["-"]:
                if step != "-":
                    page.click(f"#form-steps button[data-step='{step}']")
                check(f"form {kind} {step}")
            page.click("#finish")                              # the errors shown, the fields marked
            check(f"form {kind} with errors")
        fill_form(page, orders["READING"])
        if page.locator("#countersign-start").count():
            page.click("#countersign-start")
            page.wait_for_selector("#countersign-review")
            check("countersign review")
            page.click("#countersign-cancel")                   # back to the form
        page.click("#finish")
        page.wait_for_selector("#orders")
        check("round with a report sent")
        page.goto(server.url + f"/app/#/order/{orders['READING']}")
        page.wait_for_selector("#view h1, #view h2")
        check("order whose report was sent")
        page.goto(server.url + "/app/#/sync")
        page.wait_for_selector("#sync-now")
        check("sync")
        page.evaluate("sessionStorage.clear()")              # the tablet locked: the PIN is asked
        page.reload()
        wait_app(page)
        page.wait_for_selector("#unlock-pin")
        check("PIN")
        page.evaluate("tournee.switchUser()")                # "Changer de technicien"
        page.wait_for_selector("#login")
        check("choice of technician")
        assert found == {}
    finally:
        context.close()
        server.stop()
