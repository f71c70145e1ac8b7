"""Browser fixtures: Debian's Chromium driven by Playwright, against a live server."""
import os
import shutil

import pytest

from tests.live_server import LiveServer, prepare_database

CHROMIUM = os.environ.get("TOURNEE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def playwright_instance():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_server(tmp_path):
    """A real server process on SQLite with the demo data; stop() / start() to cut it."""
    instance = tmp_path / "instance"
    instance.mkdir()
    server = LiveServer(instance, prepare_database(instance)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_page(browser, tmp_path_factory):
    """A page on the app's origin of a live server, service worker blocked: for in-browser runs of the
    tablet's own modules (tests/e2e/pwa_harness.run)."""
    from tests.e2e.pwa_support import start_server
    server = start_server(tmp_path_factory.mktemp("pwa-modules"))
    context = browser.new_context(locale="fr-FR", service_workers="block")
    page = context.new_page()
    page.goto(server.url + "/app/precache.json")
    yield page
    context.close()
    server.stop()
