"""Office steps shared by the main-job browser tests: sign in, plan, countersign, accept."""
from playwright.sync_api import Page

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: F401  (same browser settings)


def signed_in(browser, base_url: str, login: str) -> Page:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("#login", login)
    page.fill("#password", "tournee2026")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def assign_on_board(page: Page, base_url: str, order_ref: str, technician_name: str) -> None:
    page.goto(base_url + "/dispatch")
    item = page.locator(f"li[data-order='{order_ref}']").first
    if not item.locator("select[name=technician_id]").count():  # already in a round: on its planning page
        item.locator("a.edit-order").click()
        item = page.locator(f"section[data-order='{order_ref}']")
    item.locator("select[name=technician_id]").select_option(label=technician_name)
    with page.expect_navigation():
        item.locator("form:has(select[name=technician_id]) button").click()
    page.wait_for_selector(f".flash:has-text('Ordre {order_ref} affecté')")


def open_report_of(page: Page, base_url: str, order_ref: str) -> None:
    page.goto(base_url + "/reports")
    page.locator(f"tr:has-text('{order_ref}') a").first.click()
    page.wait_for_selector("h1:has-text('Compte-rendu')")


def draw_signature(page: Page, canvas_selector: str = "canvas.signature-pad") -> None:
    canvas = page.locator(canvas_selector)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 100)
    page.mouse.down()
    for x, y in ((80, 40), (140, 110), (220, 30), (300, 90)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    page.mouse.up()


def countersign(page: Page) -> None:
    draw_signature(page)
    page.click("#countersign-form button[type=submit]")
    page.wait_for_selector("text=Compte-rendu contresigné et scellé.")


def accept(page: Page) -> str:
    page.click("button:has-text('Accepter le compte-rendu')")
    page.wait_for_selector("text=Compte-rendu accepté.")
    return page.inner_text("main")


def rules_cited(page: Page) -> str:
    """The procedure's rule ids the flashed messages cite: kept out of the staff's text, in each message's details."""
    return " ".join(page.locator(".flash").evaluate_all("(els) => els.map((e) => e.title || '')"))


def open_customer(page: Page, base_url: str, contract_number: str) -> None:
    page.goto(base_url + f"/customers?q={contract_number}")
    page.click("table.list a >> nth=0")
    page.wait_for_selector("h2:has-text('Contrats')")


def pdf_text(page: Page, href: str) -> str:
    """Download a PDF with the page's session and read its text back."""
    import io

    from pypdf import PdfReader
    answer = page.request.get(href)
    assert answer.status == 200 and answer.body().startswith(b"%PDF"), answer.status
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages)
