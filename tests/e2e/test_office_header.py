"""The office header holds on one line at 1280 px for every role (the menu folds into groups), and each
role lands on its work queue."""
from tests.e2e.office_steps import signed_in

LOGINS = ("agent.eau", "chef.eau", "controle", "caisse", "admin")


def test_the_header_fits_one_line_at_1280_for_every_role(browser, live_server):
    for login in LOGINS:
        page = signed_in(browser, live_server.url, login)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(live_server.url + "/")
        header = page.locator("header.topbar").bounding_box()
        assert header["height"] <= 64, (login, header)
        logout = page.locator("header .who button").bounding_box()
        assert logout["x"] + logout["width"] <= 1280 and page.evaluate("document.documentElement.scrollWidth") <= 1280, login
        assert page.locator("#work-title").is_visible()
        groups = page.locator("header details.menu-group")
        if groups.count():
            groups.first.locator("summary").click()
            assert groups.first.locator(".menu-items a").first.is_visible()
        page.context.close()
