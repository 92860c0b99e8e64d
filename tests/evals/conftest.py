import pytest

from tests.evals.fake_server import running_fake


@pytest.fixture(scope="module")
def fake():
    """One fake endpoint per test module; tests reset its counters."""
    with running_fake() as running:
        yield running
