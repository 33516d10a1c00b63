"""Test settings: the real settings with a fast password hasher and a throw-away media folder."""

import tempfile
from pathlib import Path

from shnor.settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="shnor-test-media-"))

# Tasks run at once, inside the test's transaction (one test runs the database backend with a worker).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
