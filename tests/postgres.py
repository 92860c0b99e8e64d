"""A throwaway PostgreSQL database for tests of the scale-out path, and re-running a test suite on it.

The test database engine is fixed for a whole pytest run, so a suite that must hold on both engines is run
again in a pytest of its own with ROOFLINE_TEST_DATABASE_URL set (tests/settings.py reads it). Everything here
skips, saying why, where PostgreSQL is not running.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def postgres_url():
    """The URL of a new, empty PostgreSQL database, dropped afterwards (with the test database named after it)."""
    psycopg = pytest.importorskip("psycopg", reason="psycopg (the `scale` extra) is not installed")
    name = f"roofline_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN}: {error}")
    admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    for database in (f"{name}_test", name):  # tests/settings.py names the test database after this one
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


def assert_suite_passes_on(database_url: str, *pytest_args: str, timeout_seconds: int = 900) -> None:
    """Run pytest on `pytest_args` against `database_url`; fail unless every test passed and none skipped."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ROOFLINE_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ROOFLINE_TEST_DATABASE_URL": database_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args, "-q", "-p", "no:cacheprovider", "-rfEs"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_seconds,
    )  # fmt: skip
    report = done.stdout[-8000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary and "failed" not in summary, report
