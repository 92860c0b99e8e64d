import pytest

from tests.evals.fake_server import FakeServer, RunningServer


@pytest.fixture(scope="module")
def fake():
    """One fake endpoint per test module; tests reset its counters."""
    app = FakeServer()
    with RunningServer(app) as running:
        running.app = app
        yield running
