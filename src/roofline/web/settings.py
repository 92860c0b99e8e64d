"""Django settings, read from environment variables (the README's configuration table lists each one)."""

import os
import secrets
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool) -> bool:
    """An on/off environment variable: 1/true/yes/on or 0/false/no/off."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
ROOFLINE_HOME = Path(os.environ.get("ROOFLINE_HOME", "var")).resolve()
ROOFLINE_HOME.mkdir(parents=True, exist_ok=True)
# Demo content (Markdown with front matter) loaded into an empty site by `roofline setup`.
ROOFLINE_CONTENT_DIR = Path(os.environ.get("ROOFLINE_CONTENT_DIR", BASE_DIR.parents[2] / "content"))


def load_secret_key(home: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept (mode 0600) in ROOFLINE_HOME."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = home / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


SECRET_KEY = load_secret_key(ROOFLINE_HOME)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "channels",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "django_tasks",
    "django_tasks_db",
    "roofline.web.accounts",
    "roofline.web.search",
    "roofline.web.articles",
    "roofline.web.discussions",
    "roofline.web.chat",
    "roofline.web.jobs",
    "roofline.web.tools",
    "roofline.web.tools.evals",
    "roofline.web.tools.kernels",
    "roofline.web.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "roofline.web.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "roofline.web.urls"
ASGI_APPLICATION = "roofline.web.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "roofline.web.home.context.site",
            ],
        },
    },
]

# Storage: SQLite in WAL mode under ROOFLINE_HOME, or whatever DATABASE_URL names (PostgreSQL at scale).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{ROOFLINE_HOME / 'roofline.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Real time: in-process channel layer by default, Redis when REDIS_URL is set.
def channel_layers_for(redis_url: str) -> dict:
    """CHANNEL_LAYERS for a Redis URL ('' for the in-process layer)."""
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # channels_redis blocks up to 5 s per read; redis-py >= 8 would time the socket out sooner by default.
    host = {"address": redis_url, "socket_timeout": 15}
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [host], "prefix": "roofline"},
        }
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYERS = channel_layers_for(REDIS_URL)

# Jobs: django-tasks with a database queue run by `roofline worker`; RQ on Redis when ROOFLINE_JOB_QUEUE=rq.
ROOFLINE_JOB_QUEUE = os.environ.get("ROOFLINE_JOB_QUEUE", "database")
# Jobs that want a GPU (kernel benchmarks) go to this queue when it is set, for `roofline worker --queue NAME` on a
# machine with one; unset, they share the default queue with everything else.
ROOFLINE_GPU_QUEUE = os.environ.get("ROOFLINE_GPU_QUEUE", "")
JOB_QUEUES = ["default", *([ROOFLINE_GPU_QUEUE] if ROOFLINE_GPU_QUEUE else [])]
if ROOFLINE_JOB_QUEUE == "rq":
    if not REDIS_URL:
        raise RuntimeError("ROOFLINE_JOB_QUEUE=rq needs REDIS_URL (for example redis://127.0.0.1:6379/0).")
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {name: {"URL": REDIS_URL} for name in JOB_QUEUES}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": JOB_QUEUES}}
elif ROOFLINE_JOB_QUEUE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": JOB_QUEUES}}
else:
    raise RuntimeError(f"ROOFLINE_JOB_QUEUE must be 'database' or 'rq', not {ROOFLINE_JOB_QUEUE!r}.")
# A running job's worker writes a heartbeat this often (seconds); a job silent for the stale limit is failed.
ROOFLINE_JOB_HEARTBEAT_SECONDS = float(os.environ.get("ROOFLINE_JOB_HEARTBEAT_SECONDS", "5"))
ROOFLINE_JOB_STALE_SECONDS = float(os.environ.get("ROOFLINE_JOB_STALE_SECONDS", "30"))
# How often (seconds) a job page's socket reads new events when the worker cannot reach it over the channel layer.
ROOFLINE_JOB_POLL_SECONDS = float(os.environ.get("ROOFLINE_JOB_POLL_SECONDS", "0.25"))

# Attention inspector (docs/attention.md): models the page offers (Hub ids or local directories), whether any other
# Hub id is accepted, the token limit, how many GiB of loaded models the worker keeps between jobs, and the bounds
# on the stored head matrices ($ROOFLINE_HOME/attention): GiB on disk (oldest removed first), age in days (0: none).
ROOFLINE_ATTENTION_MODELS = env_list(
    "ROOFLINE_ATTENTION_MODELS", "openai-community/gpt2,sentence-transformers/all-MiniLM-L6-v2"
)
ROOFLINE_ATTENTION_ALLOW_HUB = env_bool("ROOFLINE_ATTENTION_ALLOW_HUB", False)
ROOFLINE_ATTENTION_MAX_TOKENS = int(os.environ.get("ROOFLINE_ATTENTION_MAX_TOKENS", "1024"))
ROOFLINE_ATTENTION_CACHE_GIB = float(os.environ.get("ROOFLINE_ATTENTION_CACHE_GIB", "4"))
ROOFLINE_ATTENTION_DETAIL_SIZE = int(os.environ.get("ROOFLINE_ATTENTION_DETAIL_SIZE", "256"))
ROOFLINE_ATTENTION_MATRICES_GIB = float(os.environ.get("ROOFLINE_ATTENTION_MATRICES_GIB", "5"))
ROOFLINE_ATTENTION_MATRICES_DAYS = float(os.environ.get("ROOFLINE_ATTENTION_MATRICES_DAYS", "0"))

# Eval runs from the site: hosts/IPs/CIDRs they may call although private or loopback, and their limits.
ROOFLINE_EVAL_ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("ROOFLINE_EVAL_ALLOWED_HOSTS", "").split(",") if host.strip()
]
ROOFLINE_EVAL_MAX_ITEMS = int(os.environ.get("ROOFLINE_EVAL_MAX_ITEMS", "50"))  # per suite
ROOFLINE_EVAL_MAX_SECONDS = float(os.environ.get("ROOFLINE_EVAL_MAX_SECONDS", "900"))  # no request starts after

# Identity: GitHub through django-allauth. Local accounts only when ROOFLINE_LOCAL_ACCOUNTS is on.
GITHUB_CLIENT_ID = os.environ.get("GITHUB_CLIENT_ID", "")
GITHUB_CLIENT_SECRET = os.environ.get("GITHUB_CLIENT_SECRET", "")
ROOFLINE_LOCAL_ACCOUNTS = env_bool("ROOFLINE_LOCAL_ACCOUNTS", DEBUG)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SOCIALACCOUNT_ONLY = not ROOFLINE_LOCAL_ACCOUNTS
SOCIALACCOUNT_ADAPTER = "roofline.web.accounts.adapter.SocialAccountAdapter"
ACCOUNT_ADAPTER = "roofline.web.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "SCOPE": ["read:user", "user:email"],
        "APPS": (
            [{"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET}]
            if GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET
            else []
        ),
    }
}
if os.environ.get("ROOFLINE_GITHUB_URL"):
    # GitHub Enterprise Server (and the tests' local stand-in): web at this URL, API under /api/v3.
    SOCIALACCOUNT_PROVIDERS["github"]["GITHUB_URL"] = os.environ["ROOFLINE_GITHUB_URL"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Security: CSRF on every form, secure cookies unless DEBUG, headers below and in security.py.
SECURE_COOKIES = env_bool("ROOFLINE_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ROOFLINE_BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = int(os.environ.get("ROOFLINE_HSTS_SECONDS", "0"))
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Discussions: posting limits per member, and the tighter ones for new members (Discourse's trust level 0).
ROOFLINE_DISCUSSION_LIMITS = {
    "posts_per_window": int(os.environ.get("ROOFLINE_POSTS_PER_MINUTE", "6")),
    "window_seconds": 60,
    "new_member_days": 2,
    "new_member_posts": 3,
    "new_member_posts_per_day": int(os.environ.get("ROOFLINE_NEW_MEMBER_POSTS_PER_DAY", "20")),
    "new_member_links": 2,
    "new_member_mentions": 2,
}

# Chat: messages a member may send per window (staff exempt); new members also get Discussions' limits.
ROOFLINE_CHAT_LIMITS = {
    "messages_per_window": int(os.environ.get("ROOFLINE_CHAT_MESSAGES_PER_10S", "10")),
    "window_seconds": 10,
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = ROOFLINE_HOME / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
