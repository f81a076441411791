"""Connection secrets (tokens, passwords) encrypted at rest, never shown back in full, never logged.

A source's settings are a JSON object; the fields each kind names in SECRET_FIELDS are stored as
"enc:v1:<Fernet token>". The key comes from the environment: CARELOOP_ENCRYPTION_KEY when set (so it can
be rotated apart from the session key), else the signing key CARELOOP_SECRET_KEY (or the data folder's
secret.key). A 32-byte Fernet key is derived from it with HKDF-SHA256, so any long random string works.
Losing the key means entering the secrets again; nothing else is lost.
"""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from careloop.connectors.base import PermanentFailure

if TYPE_CHECKING:
    from careloop.community.models import Source

PREFIX = "enc:v1:"
SECRET_FIELDS: dict[str, frozenset[str]] = {
    "matrix": frozenset({"access_token"}),
    "discourse": frozenset({"api_key", "webhook_secret"}),
    "email": frozenset({"password"}),
    "webhook": frozenset({"secret"}),
    "files": frozenset(),
}
MASK = "••••"


def _fernet() -> Fernet:
    from django.conf import settings

    material = os.environ.get("CARELOOP_ENCRYPTION_KEY") or settings.SECRET_KEY
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"careloop", info=b"connector secrets v1").derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def unseal(value: str, *, what: str = "a secret") -> str:
    if not is_sealed(value):
        return value
    try:
        return _fernet().decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise PermanentFailure(
            f"cannot decrypt {what}: it was stored with another key (CARELOOP_ENCRYPTION_KEY or "
            "CARELOOP_SECRET_KEY changed?); set it again with `careloop source set`"
        ) from None


def seal_settings(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `values` with every secret field of this kind encrypted (already encrypted ones kept)."""
    secret = SECRET_FIELDS.get(kind, frozenset())
    return {k: seal(str(v)) if k in secret and v not in (None, "") and not is_sealed(v) else v
            for k, v in values.items()}


def secret(source: Source, name: str) -> str:
    """The plain value of one secret setting ("" when unset)."""
    value = (source.settings or {}).get(name) or ""
    return unseal(value, what=f"the {name} of source {source.name!r}")


def mask(value: str) -> str:
    """What a person may see of a secret: that it is set, and its last 4 characters when it is long."""
    if not value:
        return ""
    return MASK + value[-4:] if len(value) >= 20 else MASK


def masked_settings(source: Source) -> dict[str, Any]:
    """The settings to show: secrets masked (decrypted only to take their last characters)."""
    secret_names = SECRET_FIELDS.get(source.kind, frozenset())
    shown: dict[str, Any] = {}
    for key, value in (source.settings or {}).items():
        if key in secret_names or is_sealed(value):
            try:
                shown[key] = mask(unseal(value))
            except PermanentFailure:
                shown[key] = MASK + " (cannot decrypt: key changed)"
        else:
            shown[key] = value
    return shown


def update_settings(source: Source, values: dict[str, Any]) -> None:
    """Merge new settings into a source (secrets encrypted) and save; a value of None removes the setting."""
    merged = dict(source.settings or {})
    for key, value in seal_settings(source.kind, values).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    source.settings = merged
    source.save(update_fields=["settings"])
