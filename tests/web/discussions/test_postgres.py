"""The whole Discussions specification (this folder) again, on a throwaway PostgreSQL database: search, query
counts and transactions must behave the same on both engines. The run it starts leaves this module out."""

import os

import pytest

from tests.postgres import assert_suite_passes_on

THIS = "tests/web/discussions/test_postgres.py"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("ROOFLINE_TEST_DATABASE_URL")), reason="already running on the PostgreSQL database"
)


def test_the_discussions_specification_holds_on_postgresql(postgres_url):
    assert_suite_passes_on(postgres_url, "tests/web/discussions", "--ignore", THIS)
