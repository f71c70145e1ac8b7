"""The one place that reads the environment and turns it into the app's settings."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    path = Path(os.environ.get("TOURNEE_INSTANCE", PROJECT_ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    given = os.environ.get("SECRET_KEY")
    if given:
        return given
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    """Settings from the environment with embedded defaults; `overrides` wins (tests)."""
    instance = _instance_dir()
    if overrides and overrides.get("INSTANCE_PATH"):
        instance = Path(overrides["INSTANCE_PATH"])
        instance.mkdir(parents=True, exist_ok=True)
    config = {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'tournee.sqlite3'}"
        ),
        "SECRET_KEY": None,
        "BLOB_DIR": os.environ.get("TOURNEE_BLOB_DIR", str(instance / "blobs")),
        "PWA_DIR": os.environ.get("TOURNEE_PWA_DIR", str(PROJECT_ROOT / "pwa")),
        "BLOB_MAX_BYTES": int(os.environ.get("TOURNEE_BLOB_MAX_BYTES", 15 * 1024 * 1024)),
        # Blobs on the local disk (embedded default) or in an S3-compatible object store (several servers).
        "BLOB_STORE": os.environ.get("TOURNEE_BLOB_STORE", "disk"),
        "S3_BUCKET": os.environ.get("TOURNEE_S3_BUCKET"),
        "S3_ENDPOINT_URL": os.environ.get("TOURNEE_S3_ENDPOINT_URL"),
        "S3_REGION": os.environ.get("TOURNEE_S3_REGION"),
        "S3_PREFIX": os.environ.get("TOURNEE_S3_PREFIX", "blobs/"),
        "S3_ACCESS_KEY_ID": os.environ.get("TOURNEE_S3_ACCESS_KEY_ID"),
        "S3_SECRET_ACCESS_KEY": os.environ.get("TOURNEE_S3_SECRET_ACCESS_KEY"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("TOURNEE_MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        "TIMEZONE": os.environ.get("TOURNEE_TIMEZONE", "Europe/Paris"),
        "TIME_ZONES": {"water": os.environ.get("TOURNEE_TIMEZONE", "Europe/Paris"),
                       "electricity": os.environ.get("TOURNEE_TIMEZONE_ELECTRICITY", "Africa/Porto-Novo")},
        "LANGUAGE": os.environ.get("TOURNEE_LANGUAGE", "fr"),
        "BUSINESS_CALENDAR": os.environ.get("TOURNEE_BUSINESS_CALENDAR", "fr-working-days"),
        # W24: days after a customer's last contract ended before `tournee purge` pseudonymises them
        "RETENTION_DAYS": int(os.environ.get("TOURNEE_RETENTION_DAYS", 5 * 365)),
        # W24 on the tablet: days after the server acknowledged an order's report before the tablet
        # deletes that order's personal data (sent in every pull page, PROTOCOL §3)
        "TABLET_RETENTION_DAYS": int(os.environ.get("TOURNEE_TABLET_RETENTION_DAYS", 7)),
        "TICK_INTERVAL_SECONDS": int(os.environ.get("TOURNEE_TICK_INTERVAL", 300)),  # embedded timers (serve)
        # The day's planner (issue 17): solver time limit, straight line × detour factor at an average
        # speed, or a road-time matrix (CSV `from,to,minutes`, places by point ref or tech:<login>).
        "PLANNING_TIME_LIMIT_SECONDS": float(os.environ.get("TOURNEE_PLANNING_TIME_LIMIT", 8)),
        "PLANNING_DETOUR_FACTOR": float(os.environ.get("TOURNEE_PLANNING_DETOUR", 1.3)),
        "PLANNING_SPEED_KMH": float(os.environ.get("TOURNEE_PLANNING_SPEED_KMH", 30)),
        "PLANNING_ROAD_MATRIX": os.environ.get("TOURNEE_PLANNING_ROAD_MATRIX") or None,
        "PLANNING_DEFAULT_CAP": int(os.environ.get("TOURNEE_PLANNING_CAP", 40)),
        "SERVE_WORKERS": int(os.environ.get("TOURNEE_SERVE_WORKERS", 1)),  # `tournee serve`: gunicorn processes
        "SERVE_THREADS": int(os.environ.get("TOURNEE_SERVE_THREADS", 8)),  # and threads per process
        "LOGIN_MAX_ATTEMPTS": int(os.environ.get("TOURNEE_LOGIN_MAX_ATTEMPTS", 5)),
        "LOGIN_WINDOW_SECONDS": int(os.environ.get("TOURNEE_LOGIN_WINDOW", 300)),
        "DEVICE_IDLE_DAYS": int(os.environ.get("TOURNEE_DEVICE_IDLE_DAYS", 30)),  # a token unused longer expires
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("TOURNEE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_TIME_LIMIT": None,
        # Operations (issue 16): /metrics is answered only to the bearer of METRICS_TOKEN or to a client of
        # METRICS_NETWORKS (comma-separated CIDRs); neither set, it answers 404.
        "METRICS_TOKEN": os.environ.get("TOURNEE_METRICS_TOKEN") or None,
        "METRICS_NETWORKS": [n.strip() for n in os.environ.get("TOURNEE_METRICS_NETWORKS", "").split(",") if n.strip()],
        "METRICS_MULTIPROCESS_DIR": os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None,
        "ACCESS_LOG": os.environ.get("TOURNEE_ACCESS_LOG", "1") == "1",  # one JSON line per request on stderr
        "SILENT_TABLET_HOURS": int(os.environ.get("TOURNEE_SILENT_TABLET_HOURS", 24)),
        # Compressed answers (flask-compress) for the text the server sends: pages, JSON, the app's files.
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/plain", "text/csv", "application/json",
                               "application/javascript", "text/javascript", "application/manifest+json",
                               "image/svg+xml"],
        "COMPRESS_MIN_SIZE": 500,
    }
    if overrides:
        config.update(overrides)
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(Path(config["INSTANCE_PATH"]))
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        # A database that vanishes without a word (network cut) must not hold requests forever: give up
        # connecting after 10 s, and let TCP keepalives find a dead connection within about a minute.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"connect_timeout": 10, "keepalives": 1, "keepalives_idle": 30,
                                            "keepalives_interval": 10, "keepalives_count": 3})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config
