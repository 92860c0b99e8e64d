"""Runs tests/web/search/test_search.py again, in a pytest of its own, on a throwaway PostgreSQL database: the test
database engine is fixed for a whole run, and the search interface must behave the same on both engines.
Skips, saying why, where PostgreSQL is not running."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parents[3]
SPEC = "tests/web/search/test_search.py"


@pytest.fixture
def postgres_url():
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


def test_the_search_specification_holds_on_postgresql(postgres_url):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ROOFLINE_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ROOFLINE_TEST_DATABASE_URL": postgres_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", SPEC, "-q", "-p", "no:cacheprovider", "-rfEs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary and "failed" not in summary, report
