"""An agent signs in through a real browser and finds a demo customer."""


def test_agent_signs_in_and_finds_a_customer(page, live_server):
    page.goto(live_server.url + "/")
    page.fill("#login", "agent.eau")
    page.fill("#password", "tournee2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Bonjour Claire Morel")
    page.fill("#q", "Dupont")
    page.click("form.search button")
    page.click("table.list a >> nth=0")
    page.wait_for_selector("h2:has-text('Contrats')")
    assert "Dupont" in page.inner_text("h1")
    assert page.locator(".serial").count() >= 1
