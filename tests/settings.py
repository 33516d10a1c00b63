"""Test settings: the real settings with a fast password hasher and a throw-away media folder."""

import tempfile
from pathlib import Path

from shnor.settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="shnor-test-media-"))

# Test transactions are invisible to other connections: read uploads inline (one test covers the thread).
INTAKE_BACKGROUND = False
