"""One health check for every door that reports it (the web app's /health, the API's /api/health)."""

from __future__ import annotations

from django.db import connection

from careloop.health.models import latest_heartbeat


def health_status() -> dict[str, str]:
    """{"database": "ok" | "error: …", "worker": "ok" | "stale" | "never seen"}."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        database = f"error: {exc.__class__.__name__}"
    beat = latest_heartbeat()
    worker = "ok" if beat and beat.alive else ("stale" if beat else "never seen")
    return {"database": database, "worker": worker}
