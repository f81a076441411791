"""The signed-in user's notifications (a teammate @mentioned them in a note: careloop/cases/mentions.py), and a
member's contact details set from the member card (careloop/cases/contact.py). Thin views: the work is in the
case loop's functions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from careloop.cases import contact, mentions
from careloop.cases.models import Mention
from careloop.cases.steps import REFUSED
from careloop.community.models import Member
from careloop.health.models import latest_heartbeat
from careloop.web.roles import Action, can, permissions, require, role_of

PER_PAGE = 50


@require(Action.VIEW)
def notifications(request: HttpRequest) -> HttpResponse:
    """"jonas mentioned you on case 12: …", newest first, the unread ones marked; each opens its case."""
    page = Paginator(mentions.for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/notifications.html", {
        "heartbeat": latest_heartbeat(), "role": role_of(request.user), "may": permissions(request.user),
        "page": page, "unread": mentions.unread(request.user)})


@require(Action.VIEW)
def open_notification(request: HttpRequest, mention_id: int) -> HttpResponse:
    """Open one: it is marked read, and the case opens at the note."""
    mention = get_object_or_404(Mention, pk=mention_id, recipient_id=request.user.pk)
    mentions.mark_read(mention, request.user)
    return redirect(reverse("web:case", kwargs={"case_id": mention.case_id}) + f"#event-{mention.event_id}")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    n = mentions.mark_all_read(request.user)
    if n:
        messages.success(request, _("All notifications marked as read."))
    return redirect("web:notifications")


def _back_to(request: HttpRequest, member: Member) -> str:
    """The page the form was on (the case page or the member page), else the member page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()) \
            and target.startswith("/"):
        return target
    return reverse("web:member", kwargs={"member_id": member.pk})


@login_required
@require_POST
def member_contact(request: HttpRequest, member_id: int) -> HttpResponse:
    """Set the member's e-mail address and phone (contact.set_contact); a refusal says why in the reader's
    language and keeps what was typed."""
    member = get_object_or_404(Member, pk=member_id)
    if not can(request.user, Action.WORK):
        raise PermissionDenied
    email = request.POST.get("email", "")[:500]
    phone = request.POST.get("phone", "")[:100] if "phone" in request.POST else None
    back = _back_to(request, member)
    anchor = "#contact"
    try:
        contact.clean_email(email)
    except ValueError:
        return _refused(request, member, back + anchor, email, phone, _(
            "“%(value)s” is not an e-mail address: write it as name@example.org.") % {"value": email.strip()[:80]})
    try:
        contact.clean_phone(phone or "")
    except ValueError:
        return _refused(request, member, back + anchor, email, phone, _(
            "“%(value)s” is not a phone number: use digits, spaces and + ( ) - / only (5 to 20 digits), e.g. "
            "+49 30 1234567.") % {"value": (phone or "").strip()[:40]})
    try:
        changes = contact.set_contact(member, request.user, email=email, phone=phone)
    except REFUSED as exc:
        return _refused(request, member, back + anchor, email, phone, str(exc))
    if changes:
        messages.success(request, _("Contact details of %(member)s saved.") % {"member": member})
    else:
        messages.info(request, _("Nothing changed."))
    return redirect(back + anchor)


def _refused(request: HttpRequest, member: Member, back: str, email: str, phone: str | None,
             why: str) -> HttpResponse:
    messages.error(request, why)
    request.session[f"careloop-contact-{member.pk}"] = {"email": email, "phone": phone or ""}
    return redirect(back)
