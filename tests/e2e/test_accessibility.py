"""axe-core finds no violation on the office's screens (every role, with data in them) nor on the
tablet's (login, round, order, each step of the forms, the chief's review, sync), in the real browser."""
from tests.e2e.axe import violations
from tests.e2e.office_steps import signed_in
from tests.e2e.pwa_support import Office, enrol, fill_form, start_server


def seeded(office: Office) -> dict:
    def act(db):
        from server.models import Customer, Dossier, Invoice, Order
        from tests.review_reports import store_report
        order = db.session.query(Order).filter(Order.type == "READING").order_by(Order.id).first()
        invoice = db.session.query(Invoice).order_by(Invoice.id).first()
        return {"report": store_report(order, answers={"index": 900}).id, "dossier": db.session.query(Dossier).first().id,
                "customer": db.session.query(Customer).first().id, "invoice": invoice.id if invoice else None}
    return office._run(act)


def office_pages(ids: dict) -> dict:
    agent = ["/", "/customers", "/customers?q=a", f"/customers/{ids['customer']}", "/reports", f"/reports/{ids['report']}",
             "/dossiers", f"/dossiers/{ids['dossier']}", "/orders", "/tasks", "/invoices", "/letters", "/orders/print",
             "/invoices/overdue", "/invoices/transfers", "/indicators"]
    return {"agent.eau": agent + ([f"/invoices/{ids['invoice']}"] if ids["invoice"] else []),
            "chef.eau": ["/", "/dispatch", "/devices", "/reports/review", f"/reports/review/{ids['report']}",
                         "/account/countersign-code"],
            "controle": ["/", "/invoices/control"], "caisse": ["/", "/cashier"], "admin": ["/", "/admin/users", "/devices"]}


def test_no_accessibility_violation_on_the_office_screens(browser, tmp_path):
    server = start_server(tmp_path)
    try:
        found = {}
        for login, paths in office_pages(seeded(Office(server))).items():
            page = signed_in(browser, server.url, login)
            page.set_viewport_size({"width": 1280, "height": 800})
            for path in paths:
                answer = page.goto(server.url + path)
                assert answer.status == 200, (login, path, answer.status)
                if problems := violations(page):
                    found[f"{login} {path}"] = problems
            page.context.close()
        assert found == {}
    finally:
        server.stop()


def test_no_accessibility_violation_on_the_tablet_screens(browser, tmp_path):
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
        page.goto(server.url + "/app/#/sync")
        page.wait_for_selector("#sync-now")
        check("sync")
        assert found == {}
    finally:
        context.close()
        server.stop()
