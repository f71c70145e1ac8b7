"""The tablet's upload path (pwa/src/sync/upload.js) in the real browser against the real server: a
large photo goes by resumable parts; cut mid-way, the next sync goes on from the bytes the server holds
and the server verifies the whole by its SHA-256."""
import base64
import hashlib
import io
import json
import random
import urllib.request

import pytest
from PIL import Image

from tests.e2e.pwa_support import start_server

MB = 1024 * 1024


def big_photo() -> bytes:
    rng = random.Random(5)
    image = Image.frombytes("RGB", (1100, 900), bytes(rng.getrandbits(8) for _ in range(1100 * 900 * 3)))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=0)
    return out.getvalue()


@pytest.fixture(scope="module")
def served(browser, tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("pwa-upload"))
    body = json.dumps({"login": "tech.eau1", "password": "tournee2026", "device_name": "Tablette test"}).encode()
    request = urllib.request.Request(server.url + "/api/v1/devices", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        token = json.loads(answer.read())["token"]
    context = browser.new_context(locale="fr-FR", service_workers="block")
    page = context.new_page()
    page.goto(server.url + "/app/precache.json")
    yield page, server, token
    context.close()
    server.stop()


def test_a_large_photo_cut_mid_way_resumes_from_what_the_server_holds(served):
    page, server, token = served
    photo = big_photo()
    assert len(photo) > 2 * MB
    sha = hashlib.sha256(photo).hexdigest()
    seen = page.evaluate("""async ({ token, sha, b64 }) => {
        const { createApi } = await import('/app/src/api.js');
        const { uploadBlob } = await import('/app/src/sync/upload.js');
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
        const seen = [];
        let cut = false;
        const fetchFn = async (url, init = {}) => {
          const offset = (init.headers || {})['Upload-Offset'];
          seen.push(`${init.method || 'GET'} ${offset ?? ''}`.trim());
          if (init.method === 'PATCH' && offset === String(1024 * 1024) && !cut) {
            cut = true;  // the network drops during the second part
            throw new TypeError('Failed to fetch');
          }
          return fetch(url, init);
        };
        const api = createApi({ fetchFn });
        let first = 'done';
        try { await uploadBlob(api, token, sha, data, 'image/png'); } catch (err) { first = err.name; }
        await uploadBlob(api, token, sha, data, 'image/png');  // the next sync
        return { first, seen, held: await api.hasBlob(token, sha) };
    }""", {"token": token, "sha": sha, "b64": base64.b64encode(photo).decode()})
    assert seen["first"] != "done" and seen["held"] is True
    parts = -(-len(photo) // MB)
    assert seen["seen"][:3] == ["GET", "PATCH 0", f"PATCH {MB}"]            # cut in the second part
    assert seen["seen"][3:5] == ["GET", f"PATCH {MB}"]                       # resumed at 1 MB, not 0
    assert seen["seen"].count("PATCH 0") == 1 and len(seen["seen"]) == 3 + 1 + parts - 1 + 1
    request = urllib.request.Request(f"{server.url}/api/v1/blobs/{sha}/upload",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as answer:
        assert json.loads(answer.read()) == {"sha256": sha, "offset": len(photo), "complete": True}
