"""/metrics under several gunicorn workers (PROMETHEUS_MULTIPROC_DIR), recycled every few requests:
whichever worker answers the scrape, it counts the requests every worker, live or gone, answered."""
import os
import subprocess
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from tests.live_server import VENV_BIN, free_port, prepare_database

REQUESTS = 20


def get(url: str, token: str | None = None) -> str:
    headers = {"Connection": "close", **({"Authorization": f"Bearer {token}"} if token else {})}
    # Generous: on a busy machine a recycled worker takes seconds to boot.
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=90) as answer:
        return answer.read().decode()


def healthz_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "tournee_http_responses_total" and sample.labels.get("route") == "/healthz":
                return sample.value
    return 0.0


def test_metrics_add_up_the_counters_of_every_worker(tmp_path):
    instance, multiproc = tmp_path / "instance", tmp_path / "prometheus"
    instance.mkdir()
    multiproc.mkdir()
    url = prepare_database(instance, with_demo=False)
    port = free_port()
    env = dict(os.environ, TOURNEE_INSTANCE=str(instance), DATABASE_URL=url, SECRET_KEY="x",
               TOURNEE_METRICS_TOKEN="scrape-token", PROMETHEUS_MULTIPROC_DIR=str(multiproc), TOURNEE_ACCESS_LOG="0")
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--max-requests", "5", "--no-control-socket",
                               "server:create_app()"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/metrics", "scrape-token")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        for _ in range(REQUESTS):
            get(base + "/healthz")
        pids = {p.name.rsplit("_", 1)[-1] for p in multiproc.glob("*.db")}
        assert len(pids) >= 4, pids  # workers came and went, each with its own counter files
        scrapes = [healthz_count(get(base + "/metrics", "scrape-token")) for _ in range(4)]
        assert scrapes == [REQUESTS] * 4, scrapes
    finally:
        server.terminate()
        server.wait(20)
