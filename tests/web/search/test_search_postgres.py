"""tests/web/search/test_search.py again, on a throwaway PostgreSQL database: the search interface must behave
the same on both engines."""

from tests.postgres import assert_suite_passes_on


def test_the_search_specification_holds_on_postgresql(postgres_url):
    assert_suite_passes_on(postgres_url, "tests/web/search/test_search.py", timeout_seconds=600)
