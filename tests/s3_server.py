"""A real S3-protocol server for the tests: moto's standalone server, started as its own process."""
import os
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import boto3

from tests.live_server import VENV_BIN, free_port

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


class S3Server:
    def __init__(self, log: Path):
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "S3Server":
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
        self.process = subprocess.Popen([str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {self.log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("moto_server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def client(self):
        return boto3.client("s3", endpoint_url=self.url, **CREDENTIALS)

    def new_bucket(self) -> str:
        name = f"tournee-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def config(self, bucket: str) -> dict:
        """The app settings (config.py's names) for this server and bucket."""
        return {"BLOB_STORE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": self.url, "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing"}

    def environment(self, bucket: str) -> dict:
        """The same settings as environment variables, for a server process."""
        return {"TOURNEE_" + key: value for key, value in self.config(bucket).items()}
