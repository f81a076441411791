"""One person, several accounts: a member's accounts in other sources, linked by a manager and undone as easily.

Every Member row is one account in one source. When the same human writes on the forum, in Matrix and by
e-mail, careloop suggests the link and a manager confirms it; the member page then shows one person: every
account, their cases, posts and satisfaction together. Linking groups the rows (community.models.Person,
PersonAccount) and changes none of them; each link and each undo is a PersonLink record (who, when, why).

- `suggest_links(member)` → Suggestions, strongest first: accounts with the same e-mail address (exact, case
  aside), the same handle on another source (strong), or only the same display name (weak: names repeat). Never
  the member itself nor an account already in its person.
- `link(member, other, by, basis="", note="")` → the Person both now belong to. When one of them already has a
  person the other joins it; when both have one, the other's whole person joins (each moved account recorded).
- `unlink(member, by, note="")` → takes one account out of its person (recorded); the other accounts stay linked.
  A person left with one account is no person any more (that account stands alone again).
- `person_of(member)` → every account of the member's person (the member alone when it has none), in a stable
  order: the given member first, then by source and id.
- `links_of(member)` → the record of the member's person (PersonLink rows, oldest first).

Only a manager or an admin may link or undo (roles.Action.LINK); anyone may read. This lives beside the case loop,
not in careloop.community, because the role rule is the case loop's (community imports no cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from careloop.cases import clock
from careloop.cases.contact import contact_of
from careloop.cases.roles import Action, can
from careloop.community.keys import EmailKey, HandleKey, NameKey, handle_key
from careloop.community.models import Member, Person, PersonAccount, PersonLink

MAX_SUGGESTIONS = 10
MIN_HANDLE_CHARS = 3  # "al", "j": too short to say two accounts are one person
MIN_NAME_CHARS = 4
CANDIDATES_READ = 200  # per kind of match: the names that repeat most stop here
Basis = PersonLink.Basis
STRONG = (Basis.EMAIL, Basis.HANDLE)
WORDS = {Basis.EMAIL: "same e-mail address {value}", Basis.HANDLE: "same handle “{value}” on another source",
         Basis.NAME: "same name “{value}” (a weak hint: names repeat)", Basis.BY_HAND: "a manager's judgment",
         Basis.JOINED: "came with {value}"}


class LinkRefused(ValueError):
    """The link or undo cannot be made: the same account twice, already linked, not linked at all. `code` names
    which (self, already, basis, gone, not_linked), for a door that says it in the reader's language."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Match:
    """One reason two accounts may be one person: what matched (basis) and the matching value."""

    basis: str
    value: str

    @property
    def words(self) -> str:
        return WORDS[Basis(self.basis)].format(value=self.value)


@dataclass
class Suggestion:
    """An account that may be the same person as the member, with every reason found."""

    member: Member
    matches: list[Match] = field(default_factory=list)

    @property
    def strong(self) -> bool:
        return any(m.basis in STRONG for m in self.matches)

    @property
    def basis(self) -> str:
        """The strongest reason's basis (the one a link made from this suggestion records)."""
        return min(self.matches, key=lambda m: [Basis.EMAIL, Basis.HANDLE, Basis.NAME].index(Basis(m.basis))).basis

    @property
    def detail(self) -> str:
        return next(m.value for m in self.matches if m.basis == self.basis)

    @property
    def words(self) -> str:
        return "; ".join(m.words for m in self.matches)


# ------------------------------------------------------------------------------------------------ reading
def _person_id(member: Member) -> int | None:
    return PersonAccount.objects.filter(member_id=member.pk).values_list("person_id", flat=True).first()


def person_of(member: Member) -> list[Member]:
    """Every account of the member's person, the member first; just [member] when it is linked to none."""
    person_id = _person_id(member)
    if person_id is None:
        return [member]
    others = (Member.objects.filter(person_account__person_id=person_id).exclude(pk=member.pk)
              .select_related("source").order_by("source__name", "id"))
    return [member, *others]


def links_of(member: Member, limit: int = 50) -> list[PersonLink]:
    """The record of the member's own links and undos and of its person's, oldest first."""
    person_id = _person_id(member)
    where = Q(member_id=member.pk) | Q(other_id=member.pk)
    if person_id is not None:
        where |= Q(person_id=person_id)
    rows = PersonLink.objects.filter(where).select_related("member__source", "other__source", "by")
    return list(reversed(rows.order_by("-at", "-id")[:limit]))


def email_of(member: Member) -> str:
    """The member's e-mail address as careloop holds it: its contact details, else its id when that is an address
    (an e-mail account's), lower-case (as EmailKey reads it)."""
    address = contact_of(member)["email"] or member.external_id
    local, at, domain = address.strip().rpartition("@")
    return address.strip().lower() if at and local and "." in domain and ":" not in address else ""


def suggest_links(member: Member, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Accounts that may be the same person as the member, strongest first, each with its reasons in words.

    Each kind of match is one index lookup (careloop/community/keys.py): the same e-mail address, the same handle
    key on another source, the same name (lower-case) on another source."""
    member = Member.objects.select_related("source").get(pk=member.pk)
    person_id = _person_id(member)
    taken = Q(pk=member.pk)
    if person_id is not None:
        taken |= Q(person_account__person_id=person_id)
    found: dict[int, Suggestion] = {}

    def add(candidates: Any, basis: str, value: str) -> None:
        for other in candidates.exclude(taken).select_related("source").order_by("id")[:CANDIDATES_READ]:
            found.setdefault(other.pk, Suggestion(other)).matches.append(Match(basis, value))

    address = email_of(member)
    if address:
        add(Member.objects.alias(email_key=EmailKey()).filter(email_key=address), Basis.EMAIL, address)
    key = handle_key(member.handle)
    if len(key) >= MIN_HANDLE_CHARS:
        add(Member.objects.alias(handle_key=HandleKey()).filter(handle_key=key).exclude(source_id=member.source_id),
            Basis.HANDLE, key)
    name = member.display_name.strip()
    if len(name) >= MIN_NAME_CHARS:
        add(Member.objects.alias(name_key=NameKey()).filter(name_key=name.lower())
            .exclude(source_id=member.source_id), Basis.NAME, name)
    ranked = sorted(found.values(), key=lambda s: (not s.strong, -len(s.matches), s.member.pk))
    return ranked[:limit]


# ------------------------------------------------------------------------------------------------ the steps
def _require(by: Any) -> None:
    if not can(by, Action.LINK):
        raise PermissionDenied("only a manager may link a member's accounts or undo a link")


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def link(member: Member, other: Member, by: Any, *, basis: str = "", detail: str = "", note: str = "") -> Person:
    """Link `other` to `member` as one person (see the module docstring); recorded, undone with unlink()."""
    _require(by)
    if member.pk == other.pk:
        raise LinkRefused("an account cannot be linked to itself", "self")
    if basis and basis not in Basis.values:
        raise LinkRefused(f"unknown reason {basis!r}: one of {', '.join(Basis.values)}", "basis")
    if not basis:  # the strongest match careloop sees, else the manager's judgment
        match = next((s for s in suggest_links(member, limit=MAX_SUGGESTIONS * 5) if s.member.pk == other.pk), None)
        basis, detail = (match.basis, match.detail) if match else (Basis.BY_HAND, "")
    with transaction.atomic():
        # lock both rows (in id order: two managers linking the same pair wait for each other, never deadlock)
        locked = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=[member.pk, other.pk])
                  .order_by("pk")}
        if len(locked) < 2:
            raise LinkRefused("one of the accounts is gone", "gone")
        now = clock.now()
        mine, theirs = _person_id(member), _person_id(other)
        if mine is not None and mine == theirs:
            raise LinkRefused(f"{member} and {other} are already linked as one person", "already")
        if mine is None and theirs is not None:  # the member joins the other's person
            mine, theirs, member, other = theirs, None, other, member
        if mine is None:
            person = Person.objects.create(created_at=now)
            PersonAccount.objects.create(person=person, member=member, linked_at=now)
        else:
            person = Person.objects.get(pk=mine)
        PersonLink.objects.create(person=person, kind=PersonLink.Kind.LINKED, member=other, other=member,
                                  basis=basis, detail=detail[:300], note=note[:500], at=now, by=_user(by))
        if theirs is None:
            PersonAccount.objects.create(person=person, member=other, linked_at=now)
        else:  # the other's whole person joins: each account that comes along is recorded
            moved = list(PersonAccount.objects.filter(person_id=theirs).select_related("member"))
            PersonAccount.objects.filter(person_id=theirs).update(person=person, linked_at=now)
            for account in moved:
                if account.member_id != other.pk:
                    PersonLink.objects.create(person=person, kind=PersonLink.Kind.LINKED, member=account.member,
                                              other=other, basis=Basis.JOINED, detail=str(other)[:300],
                                              note=note[:500], at=now, by=_user(by))
    return person


def unlink(member: Member, by: Any, *, note: str = "") -> PersonLink:
    """Take the account out of its person (recorded); the other accounts stay linked to each other."""
    _require(by)
    with transaction.atomic():
        account = PersonAccount.objects.select_for_update().filter(member_id=member.pk).first()
        if account is None:
            raise LinkRefused(f"{member} is linked to no other account", "not_linked")
        person_id = account.person_id
        rest = list(PersonAccount.objects.select_for_update().filter(person_id=person_id)
                    .exclude(pk=account.pk).order_by("linked_at", "id"))
        record = PersonLink.objects.create(person_id=person_id, kind=PersonLink.Kind.UNLINKED, member=member,
                                           other_id=rest[0].member_id if rest else None, note=note[:500],
                                           at=clock.now(), by=_user(by))
        account.delete()
        if len(rest) == 1:  # one account alone is no person: it stands alone again (the record keeps the rest)
            rest[0].delete()
    return record
