"""The machine's Redis for scale-out tests (pytest plugin): `redis_url`, a database of its own, emptied after the
test; the test is skipped with the reason where Redis is not running."""

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    yield REDIS_URL
    redis.Redis.from_url(REDIS_URL).flushdb()
