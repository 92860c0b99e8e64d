"""Test settings: hermetic (a temporary ROOFLINE_HOME, no outside services, GitHub answered by a local stand-in)
and fast (MD5 hashing, plain static storage). The database is a file so a worker process can share it."""

import os
import socket
import tempfile


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TEST_HOME = tempfile.mkdtemp(prefix="roofline-test-")
for name in ("DATABASE_URL", "REDIS_URL", "ROOFLINE_JOB_QUEUE", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"):
    os.environ.pop(name, None)
os.environ.update(
    {
        "ROOFLINE_HOME": TEST_HOME,
        "ROOFLINE_LOCAL_ACCOUNTS": "1",
        "GITHUB_CLIENT_ID": "test-client-id",
        "GITHUB_CLIENT_SECRET": "test-client-secret",
        "ROOFLINE_GITHUB_URL": f"http://127.0.0.1:{_free_port()}",
    }
)

from roofline.web.settings import *  # noqa: E402,F403
from roofline.web.settings import DATABASES, STORAGES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["TEST"] = {"NAME": os.path.join(TEST_HOME, "test.sqlite3")}
WHITENOISE_USE_FINDERS = True  # serve static files from the source tree: tests never run collectstatic
WHITENOISE_AUTOREFRESH = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ROOFLINE_JOB_HEARTBEAT_SECONDS = 0.5
ROOFLINE_JOB_STALE_SECONDS = 5.0
ROOFLINE_JOB_POLL_SECONDS = 0.1
ROOFLINE_EVAL_ALLOWED_HOSTS = ["127.0.0.1"]  # the eval tests' local endpoints

# A second engine for the tests that must hold on both (tests/web/search/test_search_postgres.py runs
# tests/web/search/test_search.py again with this set): the named PostgreSQL server, a test database of its own.
if os.environ.get("ROOFLINE_TEST_DATABASE_URL"):
    import dj_database_url

    DATABASES["default"] = dj_database_url.parse(os.environ["ROOFLINE_TEST_DATABASE_URL"], conn_max_age=0)
    DATABASES["default"]["TEST"] = {"NAME": f"{DATABASES['default']['NAME']}_test"}
