"""Handing an API key from the web process to the worker without keeping it: sealed with Fernet under a key
derived from SECRET_KEY, stored only on the EvalRun until the worker takes it (and clears it) at the run's start."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction

from roofline.web.tools.evals.models import EvalRun


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"roofline.evals.key-handoff:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(api_key: str) -> bytes:
    return _fernet().encrypt(api_key.encode())


def take_key(run_id) -> str | None:
    """The run's key, cleared from the database in the same transaction; None if it had none or it was taken."""
    with transaction.atomic():
        run = EvalRun.objects.select_for_update().get(pk=run_id)
        sealed = bytes(run.sealed_key) if run.sealed_key else None
        if sealed is None:
            return None
        run.sealed_key = None
        run.save(update_fields=["sealed_key"])
    try:
        return _fernet().decrypt(sealed).decode()
    except InvalidToken:
        return None  # SECRET_KEY changed between submission and start
