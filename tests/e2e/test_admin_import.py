"""The admin uploads an XLSX customer file in a real browser, watches the progress of the check, confirms,
watches the import and reads the result (DESIGN §10)."""
from openpyxl import Workbook

from tests.e2e.office_steps import signed_in

ROWS = 20_000


def _customers_xlsx(path):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("clients")
    sheet.append(["Nom", "Prénom", "Référence client", "Courriel"])
    for number in range(1, ROWS + 1):
        sheet.append([f"Élève{number}", "Zoé", f"IMP{number:06d}", f"zoe{number}@example.fr"])
    book.save(path)
    return path


def test_admin_uploads_an_xlsx_and_sees_progress_then_result(browser, live_server, tmp_path):
    page = signed_in(browser, live_server.url, "admin")
    page.click("nav summary:has-text('Pilotage')")                 # the menu group that holds it
    page.click("nav a:has-text('Import de données')")
    page.select_option("#kind", "customers")
    page.set_input_files("#file", str(_customers_xlsx(tmp_path / "clients.xlsx")))
    page.click("button:has-text('Vérifier le fichier')")
    page.wait_for_selector("progress#import-bar")
    assert "Vérification du fichier en cours" in page.inner_text("#import-progress")
    page.wait_for_selector("text=Vérification réussie", timeout=120_000)
    assert "XLSX (première feuille)" in page.inner_text("#import-result")
    assert page.inner_text("#import-result tbody tr td >> nth=1") == str(ROWS)  # would be created
    page.click("button:has-text('Importer ces données')")
    page.wait_for_selector("text=Import terminé.", timeout=120_000)
    cells = page.locator("#import-result tbody tr td").all_inner_texts()
    assert cells[:5] == [str(ROWS), str(ROWS), "0", "0", "0"]
    page.goto(live_server.url + "/customers?q=IMP000042")
    assert "Élève42" in page.content()
