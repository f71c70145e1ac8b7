"""The unit tests once more under a machine clock that is not UTC (half an hour off, south of the equator):
a rule that reads the machine's local time instead of the utility's shows up here."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_unit_tests_pass_when_the_machine_is_not_on_utc():
    env = {**os.environ, "TZ": "America/St_Johns"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit",
         "--ignore", str(Path(__file__).relative_to(ROOT)), "-x"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
