"""Connection secrets (tokens, passwords) encrypted at rest, never shown back in full, never logged.

A source's settings are a JSON object; the fields each kind names in SECRET_FIELDS are stored as
"enc:v1:<Fernet token>". The key comes from the environment: CARELOOP_ENCRYPTION_KEY when set (so it can
be rotated apart from the session key), else the signing key CARELOOP_SECRET_KEY (or the data folder's
secret.key). A 32-byte Fernet key is derived from it with HKDF-SHA256, so any long random string works.
Losing the key means entering the secrets again; nothing else is lost.

Rotating the key (docs/operator-guide.md, "Rotating the encryption key"): CARELOOP_ENCRYPTION_OLD_KEYS names the
keys used before (comma-separated); secrets are read with the current key or any old one (MultiFernet) and always
written with the current one, and `careloop secrets rotate` (rotate_secrets) re-encrypts every stored secret under
the current key in one transaction, after which the old keys can be dropped.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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
    "mastodon": frozenset({"access_token"}),
    "slack": frozenset({"bot_token", "signing_secret"}),
    "reddit": frozenset({"client_secret", "password"}),
    "discord": frozenset({"bot_token"}),
    "github": frozenset({"token", "webhook_secret"}),
}
MASK = "••••"


def _derive(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"careloop", info=b"connector secrets v1").derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def current_key_material() -> str:
    from django.conf import settings

    return os.environ.get("CARELOOP_ENCRYPTION_KEY") or settings.SECRET_KEY


def old_key_materials() -> list[str]:
    """The keys secrets may still be encrypted with, during a rotation: CARELOOP_ENCRYPTION_OLD_KEYS, and, while
    the signing key is the encryption key (no CARELOOP_ENCRYPTION_KEY), the old signing keys
    (CARELOOP_SECRET_KEY_FALLBACKS)."""
    from django.conf import settings

    current = current_key_material()
    olds = [k.strip() for k in os.environ.get("CARELOOP_ENCRYPTION_OLD_KEYS", "").split(",")]
    if not os.environ.get("CARELOOP_ENCRYPTION_KEY"):
        olds += list(getattr(settings, "SECRET_KEY_FALLBACKS", []))
    return [k for k in dict.fromkeys(olds) if k and k != current]


def _current() -> Fernet:
    return _derive(current_key_material())


def _fernet() -> MultiFernet:
    """Encrypts with the current key; decrypts with it or any old key."""
    return MultiFernet([_current(), *(_derive(k) for k in old_key_materials())])


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
            "CARELOOP_SECRET_KEY changed? name the old one in CARELOOP_ENCRYPTION_OLD_KEYS); set it again with "
            "`careloop source set`"
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


class RotationFailed(Exception):
    """Some stored secrets could be decrypted with none of the keys; nothing was changed."""

    def __init__(self, unreadable: list[str]) -> None:
        self.unreadable = unreadable
        super().__init__(f"{len(unreadable)} secret(s) could not be decrypted with the current key or "
                         f"CARELOOP_ENCRYPTION_OLD_KEYS: {', '.join(unreadable)}")


@dataclass
class Rotation:
    sources: int = 0  # sources looked at
    rotated: int = 0  # secrets re-encrypted from an old key to the current one
    current: int = 0  # secrets already under the current key
    sealed: int = 0  # secret fields stored in plain text (from before encryption), now encrypted
    changed: list[str] = field(default_factory=list)  # "source.field" of every secret written


def rotate_secrets(*, dry_run: bool = False) -> Rotation:
    """Re-encrypt every stored secret under the current key, in one transaction: either every secret is
    readable (current key or CARELOOP_ENCRYPTION_OLD_KEYS) and all are rewritten, or RotationFailed names the
    unreadable ones and nothing is written. dry_run: count, write nothing."""
    from django.db import transaction

    from careloop.community.models import Source

    current, everything = _current(), _fernet()
    report, unreadable = Rotation(), []
    with transaction.atomic():
        for source in Source.objects.select_for_update().order_by("pk"):
            report.sources += 1
            names = SECRET_FIELDS.get(source.kind, frozenset())
            values = dict(source.settings or {})
            changed = False
            for key, value in values.items():
                where = f"{source.name}.{key}"
                if is_sealed(value):
                    token = value[len(PREFIX):].encode()
                    try:
                        current.decrypt(token)
                        report.current += 1
                        continue
                    except InvalidToken:
                        pass
                    try:
                        values[key] = PREFIX + everything.rotate(token).decode()
                    except InvalidToken:
                        unreadable.append(where)
                        continue
                    report.rotated += 1
                elif key in names and value not in (None, ""):
                    values[key] = seal(str(value))
                    report.sealed += 1
                else:
                    continue
                report.changed.append(where)
                changed = True
            if changed and not dry_run:
                Source.objects.filter(pk=source.pk).update(settings=values)
        if unreadable:
            raise RotationFailed(unreadable)  # rolls the transaction back: no secret is half rotated
    return report
