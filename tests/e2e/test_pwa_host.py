"""The server side of the tablet app: /app/ served with the right types and caching, a service
worker whose version and precache list come from file hashes, nothing loaded from elsewhere."""
import json
import re
import shutil

import pytest

from server import create_app
from server.pwa_host import hash_shell
from tests.e2e.pwa_harness import ROOT

PWA = ROOT / "pwa"


@pytest.fixture
def client(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                      "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t"})
    return app.test_client()


def shell_of(client):
    body = client.get("/app/sw.js").get_data(as_text=True)
    first = body.splitlines()[0]
    assert first.startswith("self.SHELL = ")
    return json.loads(first[len("self.SHELL = "):].rstrip(";"))


@pytest.mark.parametrize("path,mime", [
    ("/app/", "text/html"), ("/app/sw.js", "text/javascript"), ("/app/src/app.js", "text/javascript"),
    ("/app/css/app.css", "text/css"), ("/app/manifest.webmanifest", "application/manifest+json"),
    ("/app/icons/icon-192.png", "image/png"), ("/app/precache.json", "application/json"),
])
def test_files_are_served_with_their_type_and_revalidated(client, path, mime):
    answer = client.get(path)
    assert answer.status_code == 200 and answer.mimetype == mime
    assert answer.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/app/../server/config.py", "/app/src/nope.js", "/app/README.md", "/app/.hidden"])
def test_only_the_app_shell_is_served(client, path):
    assert client.get(path).status_code == 404


def test_service_worker_precaches_every_file_of_the_shell(client):
    shell = shell_of(client)
    shipped = {"/app/" + p.relative_to(PWA).as_posix() for p in PWA.rglob("*")
               if p.is_file() and p.name not in ("sw.js", "index.html", "README.md")}
    assert set(shell["files"]) == shipped | {"/app/"}
    assert client.get("/app/sw.js").headers["Service-Worker-Allowed"] == "/app/"
    for url in shell["files"]:
        assert client.get(url).status_code == 200, url


def test_every_module_import_is_in_the_precache(client):
    files = set(shell_of(client)["files"])
    for path in (PWA / "src").rglob("*.js"):
        for target in re.findall(r"from '(\.[^']+)'", path.read_text()):
            resolved = (path.parent / target).resolve().relative_to(PWA).as_posix()
            assert "/app/" + resolved in files, f"{path.name} imports {target}"


def test_version_changes_when_any_file_changes(tmp_path):
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    before = hash_shell(copy)
    assert hash_shell(copy).version == before.version               # stable
    (copy / "src" / "views" / "labels.js").write_text((copy / "src" / "views" / "labels.js").read_text() + "\n")
    assert hash_shell(copy).version != before.version
    (copy / "sw.js").write_text((copy / "sw.js").read_text() + "\n")
    assert len({before.version, hash_shell(copy).version}) == 2


def test_nothing_is_loaded_from_another_origin():
    """PITFALLS 11: every file the app needs is ours and precached."""
    for path in PWA.rglob("*"):
        if path.suffix in (".html", ".js", ".css", ".webmanifest"):
            code = re.sub(r"//.*|/\*.*?\*/", "", path.read_text(), flags=re.S)
            assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", code, re.I), path


def test_storage_and_sync_modules_never_touch_the_dom():
    """DESIGN §6: pwa/src/db and pwa/src/sync never use document or window; the SW imports nothing of src."""
    for folder in ("db", "sync"):
        for path in (PWA / "src" / folder).glob("*.js"):
            code = re.sub(r"/\*.*?\*/|//.*", "", path.read_text(), flags=re.S)
            assert not re.search(r"\b(document|window|localStorage|sessionStorage)\b", code), path
            assert "views/" not in code and "forms/fields" not in code, path
    sw = (PWA / "sw.js").read_text() + "".join(p.read_text() for p in (PWA / "sw").glob("*.js"))
    assert not re.search(r"importScripts\([^)]*src/|import\(", sw)
    assert [p.name for p in PWA.rglob("*.js") if "serviceWorker" in p.read_text()] == ["sw-bridge.js"]


def test_manifest_makes_an_installable_app(client):
    manifest = client.get("/app/manifest.webmanifest").get_json(force=True)
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get("/app/" + icon["src"]).status_code == 200


def test_index_preloads_the_start_up_modules_only(client):
    html = client.get("/app/").get_data(as_text=True)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    assert {"src/app.js", "src/db/connection.js", "src/db/orders.js", "src/views/round.js",
            "src/views/login.js"} <= preloaded  # the first visit's screen too
    assert not {"src/views/form.js", "src/sync/engine.js"} & preloaded   # loaded after the first screen
    assert all((PWA / name).is_file() for name in preloaded)


def test_index_preloads_from_an_inert_template(client):
    html = client.get("/app/").get_data(as_text=True)
    listed = re.search(r'<template id="start-up-modules">(.*?)</template>', html, re.S)
    assert listed and 'rel="modulepreload"' in listed.group(1)
    assert 'rel="modulepreload"' not in html.replace(listed.group(0), "")   # none fetched before src/start.js adds them


def largest_paints(page) -> list[dict]:
    return page.evaluate("""() => new Promise((resolve) => new PerformanceObserver((list) => resolve(
        list.getEntries().map((e) => ({ id: e.id, size: e.size }))))
        .observe({ type: 'largest-contentful-paint', buffered: true }))""")


def test_first_visit_largest_paint_is_the_html_first_screen(page, live_server):
    """Issue 14 (Lighthouse mobile LCP <= 1.5 s): the HTML paints its own first screen before any module
    loads, and the login screen that replaces it paints nothing larger, so the LCP is the HTML's."""
    page.goto(live_server.url + "/app/")
    page.wait_for_selector("#login")
    assert page.locator("#first-screen").count() == 0   # the app took over
    paints = largest_paints(page)
    assert [paint["id"] for paint in paints] == ["first-screen-text"], paints   # the HTML's, first and last
