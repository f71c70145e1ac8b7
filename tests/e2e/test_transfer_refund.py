"""The agent in a real browser: a water credit note (W17) refunded by bank transfer to the account holder,
a mistyped IBAN refused first, then the transfer found in the list for accounting."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from tests.e2e.office_steps import signed_in

IBAN = "FR76 3000 4000 0312 3456 7890 143"


def make_credit_note(database_url: str, instance) -> tuple[str, str]:
    """A credit note of the demo's water contract at P00000001: end date before the last billed reading."""
    from server import create_app
    from server.extensions import db
    from server.models import Contract, DeliveryPoint
    from server.services.invoices import issue_closing_invoice, last_billed_reading
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "live-test-secret"})
    with app.app_context():
        contract = db.session.scalar(select(Contract).join(DeliveryPoint).where(DeliveryPoint.ref == "P00000001"))
        billed = last_billed_reading(contract.point.meters[0])
        end_on = billed.read_on - timedelta(days=20)
        invoice = issue_closing_invoice(contract, end_on=end_on, index=billed.index - 4, read_on=end_on,
                                        source="customer", travel_fee=False, now=datetime.now(timezone.utc))
        db.session.commit()
        assert invoice.kind == "credit_note" and invoice.total < 0
        found = invoice.number, f"{contract.customer.first_name} {contract.customer.last_name}"
        db.session.remove()
        db.engine.dispose()
    return found


def test_W17_agent_refunds_a_water_credit_note_by_transfer(browser, live_server):
    number, holder = make_credit_note(live_server.database_url, live_server.instance)
    agent = signed_in(browser, live_server.url, "agent.eau")
    agent.click("nav >> text=Factures")
    agent.fill("#q", number)
    agent.click("button:has-text('Rechercher')")
    agent.click(f"a:has-text('{number}')")
    agent.wait_for_selector("h1:has-text('Avoir')")
    form = agent.locator("form.transfer-refund")
    assert agent.input_value("#holder_name") == holder  # prefilled with the account holder
    agent.fill("#iban", IBAN[:-1] + "4")                  # one digit mistyped
    form.locator("button:has-text('Rembourser par virement')").click()
    agent.wait_for_selector(".flash-error:has-text('clé de contrôle')")
    assert agent.input_value("#iban") == IBAN[:-1] + "4"  # kept for correction
    agent.screenshot(path=str(live_server.instance / "transfer-form.png"), full_page=True)
    agent.fill("#iban", IBAN.lower())
    agent.locator("form.transfer-refund button").click()
    agent.wait_for_selector(f"text=Remboursement par virement à {holder} enregistré")
    assert "Remboursée par virement le" in agent.inner_text("main") and "**** 0143" in agent.inner_text("main")
    assert agent.locator("form.transfer-refund").count() == 0

    agent.click("nav >> text=Virements de remboursement")
    row = agent.locator(f"table.transfers tr:has-text('{number}')")
    row.wait_for()
    assert holder in row.inner_text() and "**** 0143" in row.inner_text() and "€" in row.inner_text()
    with agent.expect_download() as download:
        agent.click("a:has-text('Exporter en CSV')")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert f";{number};{holder};FR7630004000031234567890143;" in text and text.rstrip().endswith(";EUR")
    agent.screenshot(path=str(live_server.instance / "transfers.png"), full_page=True)
    agent.context.close()
