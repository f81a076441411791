"""Views stay thin: they read, page and render. Business operations live in the apps' modules."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from careloop.community.models import Post, Source, Thread
from careloop.health.models import latest_heartbeat

THREADS_PER_PAGE = 50
POSTS_PER_PAGE = 100


@login_required
def threads(request: HttpRequest) -> HttpResponse:
    """All threads, most recently active first, with a filter by source and a search in titles."""
    opening = Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "id").values("text")[:1]
    qs = Thread.objects.select_related("source").annotate(opening=Subquery(opening)).order_by("-last_post_at", "-id")
    source = request.GET.get("source", "")
    query = request.GET.get("q", "").strip()
    if source:
        qs = qs.filter(source__name=source)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(channel__icontains=query))
    page = Paginator(qs, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "sources": Source.objects.order_by("name"),
        "source": source,
        "query": query,
        "heartbeat": latest_heartbeat(),
    }
    return render(request, "web/threads.html", context)


@login_required
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """One thread's posts in order; each reply says whom it answers."""
    t = get_object_or_404(Thread.objects.select_related("source"), pk=thread_id)
    posts = (
        Post.objects.filter(thread=t)
        .select_related("author", "parent__author")
        .order_by("created_at", "id")
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/thread.html", {"thread": t, "page": page, "heartbeat": latest_heartbeat()})


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and `careloop status`: is the database reachable, is a worker alive."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        database = f"error: {exc.__class__.__name__}"
    beat = latest_heartbeat()
    worker = "ok" if beat and beat.alive else ("stale" if beat else "never seen")
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database, "worker": worker}, status=status)
