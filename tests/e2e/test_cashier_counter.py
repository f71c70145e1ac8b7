"""The controller and the cashier in a real browser: a balance invoice checked, issued, then refunded at the
counter only to the deposit payer (E3, E8, E9, E11)."""
from datetime import datetime, timezone

from sqlalchemy import select

from tests.e2e.office_steps import signed_in


def make_balance_invoice(database_url: str, instance) -> tuple[str, str, str]:
    """A balance invoice of the demo's electricity contract at P00000200, as the review would make it."""
    from server import create_app
    from server.extensions import db
    from server.models import Contract, DeliveryPoint
    from server.services.closing.invoices import issue_balance_invoice, last_billed_reading
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "live-test-secret"})
    with app.app_context():
        contract = db.session.scalar(select(Contract).join(DeliveryPoint).where(DeliveryPoint.ref == "P00000200"))
        now = datetime.now(timezone.utc)
        index = last_billed_reading(contract.point.meters[0]).index + 10
        invoice = issue_balance_invoice(contract, index=index, read_on=now.date(), now=now)
        db.session.commit()
        found = invoice.number, contract.deposit_payer_name, contract.deposit_payer_identity
        db.session.remove()
        db.engine.dispose()
    return found


def test_E3_E9_controller_issues_then_cashier_refunds_only_the_deposit_payer(browser, live_server):
    number, payer, identity = make_balance_invoice(live_server.database_url, live_server.instance)
    control = signed_in(browser, live_server.url, "controle")
    control.click("nav >> text=Contrôle factures")
    row = control.locator(f"tr:has-text('{number}')")
    row.locator("button:has-text('Marquer contrôlée')").click()
    control.wait_for_selector(f"text=Facture {number} : contrôlée.")
    control.locator(f"tr:has-text('{number}') button:has-text('Émettre')").click()
    control.wait_for_selector(f"text=Facture {number} : émise.")

    counter = signed_in(browser, live_server.url, "caisse")
    counter.click("nav >> text=Guichet")
    counter.fill("#q", number)
    counter.click("button:has-text('Rechercher')")
    counter.click(f"a:has-text('{number}')")
    counter.fill("#payee_name", payer)
    counter.fill("#payee_identity", "CNI000000")
    counter.click("button:has-text('Vérifier l’identité et rembourser')")
    counter.wait_for_selector("text=Remboursement refusé")
    assert "dépôt de garantie" in counter.inner_text(".flash-error")
    counter.fill("#payee_name", payer.upper())
    counter.fill("#payee_identity", identity)
    counter.click("button:has-text('Vérifier l’identité et rembourser')")
    counter.wait_for_selector(f"text=à {payer.upper()} enregistré")
    assert "remboursée le" in counter.inner_text("main")
    with counter.expect_download() as download:  # the PDF opens; here it is saved as a download
        counter.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = 'f.pdf'; "
                         "document.body.appendChild(a); a.click(); }", f"{live_server.url}" +
                         counter.get_attribute("a:has-text('Imprimer la facture')", "href"))
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    counter.screenshot(path=str(live_server.instance / "cashier.png"), full_page=True)
    counter.context.close()
    control.context.close()
