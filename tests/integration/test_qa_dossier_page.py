"""QA regressions on the dossier page: a clean <title>, French labels for invoice states, amounts and tasks."""
import re

from tests.conftest import csrf_token_from


def test_E4_dossier_page_title_is_plain_and_invoices_read_in_french(office):
    client = office("agent.elec")
    token = csrf_token_from(client.get("/contracts/124/departure").get_data(as_text=True))
    done = client.post("/contracts/124/departure", data={
        "csrf_token": token, "kind": "takeover", "index": "7500", "successor_name": "Afi Dossou",
        "successor_identity": "CNI 998877"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "Factures" not in title
    table = html[html.index('id="dossier-invoices"'):]
    assert "<td>issued</td>" not in table and "émise" in table and "FCFA" in table


def test_W14_customer_page_lists_dossiers_with_french_type_and_state(office):
    client = office("agent.eau")
    token = csrf_token_from(client.get("/contracts/5/departure").get_data(as_text=True))
    client.post("/contracts/5/departure", data={"csrf_token": token, "kind": "announced", "departure_on": "2099-01-01",
                                                 "email": "a@example.org", "mobile": "0611111111"})
    html = client.get("/customers/5").get_data(as_text=True)
    listing = html[html.index("<h2>Dossiers</h2>"):]
    assert "départ annoncé — ouvert" in listing and " — open" not in listing
