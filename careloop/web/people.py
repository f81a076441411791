"""Linking a member's accounts as one person from the member page (careloop/cases/people.py): the Link button of
a suggestion and the Undo of a linked account. Thin views: the rule and the record are the case loop's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from careloop.cases import people
from careloop.community.models import Member
from careloop.web.roles import Action, can, require

REFUSALS = {"self": gettext_lazy("An account cannot be linked to itself."),
            "already": gettext_lazy("These accounts are already linked as one person."),
            "basis": gettext_lazy("That is no reason careloop knows for a link."),
            "gone": gettext_lazy("One of the accounts is gone."),
            "not_linked": gettext_lazy("This account is linked to no other account.")}
MATCH_WORDS = {people.Basis.EMAIL: gettext_lazy("same e-mail address %(value)s"),
               people.Basis.HANDLE: gettext_lazy("same handle “%(value)s” on another source"),
               people.Basis.NAME: gettext_lazy("same name “%(value)s” (a weak hint: names repeat)"),
               people.Basis.BY_HAND: gettext_lazy("a manager's own judgment"),
               people.Basis.JOINED: gettext_lazy("came along with %(value)s")}


def match_words(basis: str, value: str = "") -> str:
    """A reason for a link in the reader's language ("same e-mail address mia@example.org")."""
    words = MATCH_WORDS.get(basis)  # type: ignore[call-overload]
    return str(words) % {"value": value} if words is not None else basis


def _page(member: Member, anchor: str = "#accounts") -> str:
    return reverse("web:member", kwargs={"member_id": member.pk}) + anchor


def _require_link(request: HttpRequest) -> None:
    if not can(request.user, Action.LINK):
        raise PermissionDenied(_("Only a manager may link a member's accounts or undo a link."))


@require_POST
@require(Action.VIEW)
def link_member(request: HttpRequest, member_id: int) -> HttpResponse:
    """Link the member with the account the suggestion named (POST other=<member id>, basis, detail)."""
    _require_link(request)
    member = get_object_or_404(Member.objects.select_related("source"), pk=member_id)
    other_id = request.POST.get("other", "")
    if not other_id.isdigit():
        messages.error(request, _("Choose the account to link."))
        return redirect(_page(member))
    other = get_object_or_404(Member.objects.select_related("source"), pk=int(other_id))
    basis = request.POST.get("basis", "")
    detail = request.POST.get("detail", "")[:300]
    if basis not in people.Basis.values:
        basis, detail = "", ""  # careloop finds the reason itself
    try:
        people.link(member, other, request.user, basis=basis, detail=detail)
    except people.LinkRefused as exc:
        messages.error(request, str(REFUSALS.get(exc.code, exc)))
    else:
        messages.success(request, _("Linked as one person: %(member)s (%(source)s) and %(other)s (%(other_source)s).")
                         % {"member": member, "source": member.source, "other": other, "other_source": other.source})
    return redirect(_page(member))


@require_POST
@require(Action.VIEW)
def unlink_member(request: HttpRequest, member_id: int) -> HttpResponse:
    """Undo: take one account (POST account=<member id>) out of the person of the page's member."""
    _require_link(request)
    member = get_object_or_404(Member.objects.select_related("source"), pk=member_id)
    account_id = request.POST.get("account", "")
    account = get_object_or_404(Member.objects.select_related("source"), pk=account_id) if account_id.isdigit() \
        else member
    if account.pk not in {m.pk for m in people.person_of(member)}:
        messages.error(request, str(REFUSALS["not_linked"]))
        return redirect(_page(member))
    try:
        people.unlink(account, request.user)
    except people.LinkRefused as exc:
        messages.error(request, str(REFUSALS.get(exc.code, exc)))
    else:
        messages.success(request, _("%(account)s (%(source)s) is no longer linked.") % {
            "account": account, "source": account.source})
    return redirect(_page(member))
