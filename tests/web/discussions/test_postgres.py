"""Runs the whole Discussions specification (this folder) again, in a pytest of its own, on a throwaway PostgreSQL
database: the test database engine is fixed for a whole run, and Discussions (search, query counts and
transactions included) must behave the same on both engines. Skips, saying why, where PostgreSQL is not running;
the run it starts leaves this module out (ROOFLINE_TEST_DATABASE_URL set) so it does not start itself again."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parents[3]
SUITE = "tests/web/discussions"
THIS = "tests/web/discussions/test_postgres.py"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("ROOFLINE_TEST_DATABASE_URL")), reason="already running on the PostgreSQL database"
)


@pytest.fixture
def postgres_url():
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


def test_the_discussions_specification_holds_on_postgresql(postgres_url):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ROOFLINE_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ROOFLINE_TEST_DATABASE_URL": postgres_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", SUITE, "--ignore", THIS, "-q", "-p", "no:cacheprovider", "-rfEs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )

    report = done.stdout[-8000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary and "failed" not in summary, report
