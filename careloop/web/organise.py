"""The queue's tools for many cases: tags on a case, the bulk bar, and each user's saved views.

Thin as the other views: every change to a case is a call into the case loop (cases/tags.py, cases/bulk.py).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from careloop.cases import bulk, tags
from careloop.cases.models import Case
from careloop.cases.state import DISMISS_REASONS, NotAllowed
from careloop.cases.steps import REFUSED
from careloop.web import queue as q
from careloop.web.models import SavedView
from careloop.web.roles import Action, AssignmentRefused, SignedInRequest, can

SAVED_VIEWS = 30  # a user's saved views at most


def queue_query(raw: str) -> str:
    """The queue filter a query string holds, as a clean query string (only the filter's own fields)."""
    return urlencode(q.QueueFilters.from_query(dict(parse_qsl(raw or ""))).as_query())


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    query = queue_query(request.POST.get("query", ""))
    return redirect(reverse("web:queue") + (f"?{query}" if query else ""))


# ------------------------------------------------------------------------------------------------ tags
@login_required
@require_POST
def case_tags(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add ("tag" with a name, a colour optional) or remove ("untag") a tag on one case, from its page."""
    c = get_object_or_404(Case, pk=case_id)
    if not can(request.user, Action.TAG, c):
        raise PermissionDenied
    try:
        if request.POST.get("untag"):
            tags.remove_tag(c, request.user, request.POST["untag"])
            messages.success(request, _("Tag “%(name)s” removed.") % {"name": request.POST["untag"]})
        else:
            tag = tags.add_tag(c, request.user, request.POST.get("name", ""), request.POST.get("colour", ""))
            messages.success(request, _("Tagged “%(name)s”.") % {"name": tag.name})
    except REFUSED:
        messages.error(request, _("Give the tag a name (a word or two), and pick a colour from the list."))
    return redirect(reverse("web:case", kwargs={"case_id": c.pk}) + "#tags")


# ------------------------------------------------------------------------------------------------ bulk
def _why(outcome: bulk.Outcome, case_id: int, why: str) -> str:
    """Why one case was refused, in the reader's language where careloop knows the refusal; else its words."""
    from careloop.web.templatetags.careloop_tags import state_label

    error = outcome.errors.get(case_id)
    if isinstance(error, AssignmentRefused):
        return _("that teammate cannot work cases")
    if isinstance(error, PermissionDenied):
        if "only take a case for themselves" in why:
            return _("an agent may only take a case for themselves")
        return _("your role may not do this on this case")
    if isinstance(error, NotAllowed) and outcome.states.get(case_id):
        return _("state: %(state)s") % {"state": state_label(outcome.states[case_id])}
    if error is None:
        return _("no such case")
    return why


@login_required
@require_POST
def bulk_step(request: HttpRequest) -> HttpResponse:
    """The queue's bulk bar: assign, dismiss or tag the ticked cases, each case on its own; says what was done
    and what was refused, case by case."""
    if not can(request.user, Action.WORK) and not can(request.user, Action.TAG):
        raise PermissionDenied
    ids = request.POST.getlist("case")
    do = request.POST.get("do", "")
    if not ids:
        messages.error(request, _("Tick the cases first, then choose what to do with them."))
        return _back_to_queue(request)
    if do == "assign":
        who = request.POST.get("user", "")
        to_user = None
        if who == "me" or not who:
            to_user = request.user
        elif who.isdigit() and len(who) < 19:
            to_user = get_user_model().objects.filter(pk=int(who), is_active=True).first()
        if to_user is None:
            messages.error(request, _("That teammate does not exist."))
            return _back_to_queue(request)
        outcome = bulk.assign_many(ids, request.user, to_user=to_user)
    elif do == "dismiss":
        reason = request.POST.get("reason", "")
        if reason not in DISMISS_REASONS:
            messages.error(request, _("Choose why the cases are dismissed."))
            return _back_to_queue(request)
        outcome = bulk.dismiss_many(ids, request.user, reason)
    elif do == "tag":
        try:
            name = tags.clean_name(request.POST.get("tag", ""))
        except ValueError:
            messages.error(request, _("Give the tag a name (a word or two), and pick a colour from the list."))
            return _back_to_queue(request)
        outcome = bulk.tag_many(ids, request.user, name)
    else:
        raise Http404("no such step")
    said = ngettext("%(n)d done", "%(n)d done", len(outcome.done)) % {"n": len(outcome.done)}
    if outcome.refused:
        said += ", " + ngettext("%(n)d refused", "%(n)d refused", len(outcome.refused)) % {"n": len(outcome.refused)}
        said += ": " + ", ".join(_("case %(id)s (%(why)s)") % {"id": i, "why": _why(outcome, i, why)}
                                 for i, why in outcome.refused)
    (messages.warning if outcome.refused else messages.success)(request, said)
    return _back_to_queue(request)


# ------------------------------------------------------------------------------------------------ saved views
@login_required
@require_POST
def save_view(request: SignedInRequest) -> HttpResponse:
    """Keep the queue's current filter under a name (the same name again: its filter replaced)."""
    name = " ".join(request.POST.get("name", "").split())[:60]
    query = queue_query(request.POST.get("query", ""))
    if not name:
        messages.error(request, _("Give the view a name."))
        return _back_to_queue(request)
    if SavedView.objects.filter(user=request.user).exclude(name=name).count() >= SAVED_VIEWS:
        messages.error(request, _("You have %(n)d saved views; delete one first.") % {"n": SAVED_VIEWS})
        return _back_to_queue(request)
    try:
        with transaction.atomic():
            SavedView.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
    except IntegrityError:  # saved twice at the same moment: the other one won
        pass
    messages.success(request, _("View “%(name)s” saved.") % {"name": name})
    return _back_to_queue(request)


@login_required
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    """Delete one of the user's own saved views (another user's is not found)."""
    view = get_object_or_404(SavedView, pk=view_id, user=request.user)
    view.delete()
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return _back_to_queue(request)
