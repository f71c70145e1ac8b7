"""Prometheus metrics with the official client: answers by route and status, latency, pushes, pulls,
blob bytes, tick runs; and, read from the database at each scrape, reports waiting per state and the
tablets' sync ages.

Under several gunicorn workers set `PROMETHEUS_MULTIPROC_DIR` (an empty folder, emptied at each start)
in the environment of the server and of `tournee tick`: every process writes its counters there and a
scrape adds them up; gunicorn's `child_exit` hook calls `worker_exited(pid)`."""
import hmac
import ipaddress
import time
from datetime import datetime, timezone

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
RESPONSES = Counter("tournee_http_responses", "Answers by route and HTTP status", ["method", "route", "status"])
LATENCY = Histogram("tournee_http_request_duration_seconds", "Time to answer, by route", ["method", "route"],
                    buckets=LATENCY_BUCKETS)
PUSHES = Counter("tournee_sync_pushes", "Push requests answered, by HTTP status", ["status"])
PUSHED_REPORTS = Counter("tournee_sync_pushed_reports", "Reports in answered pushes, by result", ["result"])
PULLS = Counter("tournee_sync_pulls", "Pull requests answered, by HTTP status", ["status"])
BLOB_BYTES = Counter("tournee_blob_received_bytes", "Bytes of photos and signatures accepted")
BLOB_UPLOADS = Counter("tournee_blob_uploads", "Blob uploads answered, by HTTP status", ["status"])
TICKS = Counter("tournee_tick_runs", "Runs of the procedures' timers, by outcome", ["outcome"])
TICK_SECONDS = Histogram("tournee_tick_duration_seconds", "Duration of a run of the timers",
                         buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900))


def register(app: Flask) -> None:
    app.before_request(_start_clock)
    app.after_request(_count_answer)
    app.add_url_rule("/metrics", "metrics", _scrape)


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _count_answer(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    route = request.url_rule.rule if request.url_rule else "unmatched"
    status = str(response.status_code)
    RESPONSES.labels(request.method, route, status).inc()
    if started is not None:
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    if request.endpoint == "api.pull":
        PULLS.labels(status).inc()
    elif request.endpoint == "api.push":
        PUSHES.labels(status).inc()
    elif request.endpoint == "api.put_blob":
        BLOB_UPLOADS.labels(status).inc()
        if response.status_code in (200, 201) and request.content_length:
            BLOB_BYTES.inc(request.content_length)
    return response


def reports_pushed(results: list[dict]) -> None:
    """Called by the push view with the per-report results it answers."""
    for result in results:
        PUSHED_REPORTS.labels(str(result.get("status"))).inc()


class observe_tick:
    """`with observe_tick(): tick(...)` counts the run (done / failed) and times it."""

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, kind, _value, _tb):
        TICK_SECONDS.observe(time.perf_counter() - self.started)
        TICKS.labels("failed" if kind else "done").inc()
        return False


def worker_exited(pid: int) -> None:
    """gunicorn `child_exit`: drop the live gauges of a dead worker (its counters stay counted)."""
    multiprocess.mark_process_dead(pid)


def _allowed() -> bool:
    token, networks = current_app.config.get("METRICS_TOKEN"), current_app.config.get("METRICS_NETWORKS") or []
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(network, strict=False) for network in networks)


def _scrape():
    if not _allowed():
        abort(404)  # do not even say it exists
    if current_app.config.get("METRICS_MULTIPROCESS_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    fleet = CollectorRegistry()
    fleet.register(FleetCollector(current_app.config.get("SILENT_TABLET_HOURS", 24)))
    return Response(body + generate_latest(fleet), content_type=CONTENT_TYPE_LATEST)


class FleetCollector:
    """Gauges read from the database at scrape time (so several workers never double them)."""

    def __init__(self, silent_hours: int):
        self.silent_hours = silent_hours

    def collect(self):
        from datetime import timedelta
        from sqlalchemy.exc import SQLAlchemyError
        from .extensions import db
        from .services.operations.fleet import oldest_sync_age_seconds, reports_per_state, silent_count
        from .models.reports import REPORT_STATES
        now = datetime.now(timezone.utc)
        try:
            counts = reports_per_state()
            oldest = oldest_sync_age_seconds(now)
            silent = silent_count(now, timedelta(hours=self.silent_hours))
        except SQLAlchemyError:  # the database is away: the process counters still tell the story
            db.session.rollback()
            yield GaugeMetricFamily("tournee_database_up", "Whether the database answered this scrape", value=0)
            return
        yield GaugeMetricFamily("tournee_database_up", "Whether the database answered this scrape", value=1)
        waiting = GaugeMetricFamily("tournee_reports", "Reports by state", labels=["state"])
        for state in REPORT_STATES:
            waiting.add_metric([state], counts.get(state, 0))
        yield waiting
        yield GaugeMetricFamily("tournee_tablet_oldest_sync_age_seconds",
                                "Seconds since the least recent sync of a live tablet", value=oldest)
        yield GaugeMetricFamily("tournee_tablets_silent", f"Live tablets not synced for {self.silent_hours} h or never",
                                value=silent)
