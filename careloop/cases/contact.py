"""A member's contact details as the team knows them: the e-mail address reaching out by e-mail writes to, and a
phone number for a call. Set by a teammate (the platform rarely tells us either).

- `set_contact(member, actor, email=None, phone=None)` → the ContactChanges made (a value given and different
  from the one held; "" clears it). Each change is kept with who, when, old → new (ContactChange, listed on the
  member page) and written on the timeline of every open case of the member (a CONTACT event). Refused with a
  ValueError that says what is wrong (an address that is not one, a phone number without digits) and changes
  nothing; PermissionDenied for a viewer.
- `contact_of(member)` → {"email": …, "phone": …} as held now.

The details live in the member's `extra` ("email", "phone"), where an import or a connector puts them too:
careloop.cases.reach_out.recipient_for reads the address from there.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from careloop.cases import clock, state
from careloop.cases.models import OPEN_STATES, Case, CaseEvent, ContactChange
from careloop.cases.roles import Action, can
from careloop.community.models import Member

FIELDS = ("email", "phone")
PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
MAX_CHARS = 254


def contact_of(member: Member) -> dict[str, str]:
    extra = member.extra if isinstance(member.extra, dict) else {}
    return {name: str(extra.get(name) or "") for name in FIELDS}


def clean_email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > MAX_CHARS:
        raise ValueError(f"the e-mail address is too long (at most {MAX_CHARS} characters)")
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(f"“{value}” is not an e-mail address: it looks like name@example.org") from None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def clean_phone(value: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        return ""
    digits = sum(c.isdigit() for c in value)
    if not PHONE.match(value) or not 5 <= digits <= 20 or len(value) > 40:
        raise ValueError(f"“{value[:40]}” is not a phone number: digits, spaces and + ( ) - / only, "
                         "5 to 20 digits, e.g. +49 30 1234567")
    return value


def set_contact(member: Member, actor: Any, *, email: str | None = None,
                phone: str | None = None) -> list[ContactChange]:
    """Set the member's e-mail address and/or phone (None: leave it, "": clear it); see the module docstring."""
    if not can(actor, Action.WORK):
        raise PermissionDenied("your role may not change a member's contact details")
    wanted: dict[str, str] = {}
    if email is not None:
        wanted["email"] = clean_email(email)
    if phone is not None:
        wanted["phone"] = clean_phone(phone)
    changes: list[ContactChange] = []
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        extra = dict(locked.extra) if isinstance(locked.extra, dict) else {}
        now = clock.now()
        for name, new in wanted.items():
            old = str(extra.get(name) or "")
            if new == old:
                continue
            if new:
                extra[name] = new
            else:
                extra.pop(name, None)
            changes.append(ContactChange.objects.create(
                member=locked, field=name, old=old, new=new, changed_at=now,
                changed_by=actor if getattr(actor, "pk", None) else None))
        if not changes:
            return []
        Member.objects.filter(pk=locked.pk).update(extra=extra)
        member.extra = extra
        for case in Case.objects.filter(member_id=member.pk, state__in=OPEN_STATES).order_by("id"):
            for change in changes:
                state.record(case, CaseEvent.Kind.CONTACT, actor, field=change.field, old=change.old,
                             new=change.new)
    return changes
