"""Settings come from the environment: a kept secret key, DEBUG off, SQLite in WAL mode, the scale-out engines."""

import json
import stat
import subprocess
import sys

import pytest

from tests.conftest import roofline_env

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
out = {
    "secret_key": settings.SECRET_KEY, "debug": settings.DEBUG, "engine": settings.DATABASES["default"]["ENGINE"],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE, "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"], "tasks": settings.TASKS["default"]["BACKEND"],
}
if out["engine"].endswith("sqlite3"):
    with connection.cursor() as cursor:
        out["journal_mode"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
print(json.dumps(out))
"""


def load_settings(home, **env) -> dict:
    """The settings a fresh process gets from this environment (settings are read once, at start)."""
    clean = roofline_env(home, **env)
    done = subprocess.run([sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, timeout=60)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def test_a_secret_key_is_generated_once_kept_private_and_reused(tmp_path):
    first = load_settings(tmp_path)
    second = load_settings(tmp_path)

    assert len(first["secret_key"]) >= 50 and first["secret_key"] == second["secret_key"]
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_secret_key_from_the_environment_wins_and_is_not_written(tmp_path):
    assert load_settings(tmp_path, SECRET_KEY="from-env")["secret_key"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_defaults_are_debug_off_secure_cookies_and_sqlite_in_wal_mode(tmp_path):
    s = load_settings(tmp_path)
    assert s["debug"] is False and s["session_cookie_secure"] and s["csrf_cookie_secure"]
    assert s["engine"] == "django.db.backends.sqlite3" and s["journal_mode"] == "wal"
    assert s["channel_layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["tasks"] == "django_tasks_db.DatabaseBackend"
    assert (tmp_path / "roofline.sqlite3").exists()


def test_debug_turns_secure_cookies_off(tmp_path):
    s = load_settings(tmp_path, DEBUG="1")
    assert s["debug"] is True and not s["session_cookie_secure"]


def test_scale_out_engines_are_selected_by_environment(tmp_path):
    s = load_settings(
        tmp_path,
        DATABASE_URL="postgres://roofline@127.0.0.1:1/roofline",
        REDIS_URL="redis://127.0.0.1:1/0",
        ROOFLINE_JOB_QUEUE="rq",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["channel_layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["tasks"] == "django_tasks_rq.RQBackend"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ROOFLINE_JOB_QUEUE": "rq"}, "ROOFLINE_JOB_QUEUE=rq needs REDIS_URL"),
        ({"ROOFLINE_JOB_QUEUE": "celery"}, "ROOFLINE_JOB_QUEUE must be 'database' or 'rq'"),
    ],
)
def test_a_wrong_job_queue_setting_says_what_to_do(tmp_path, env, message):
    assert message in load_settings(tmp_path, **env)["error"]
