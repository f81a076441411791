"""API answers and logged-in pages are never kept by a cache (Cache-Control: no-store); an API path with a line
break in it (%0A) is the API's JSON 404, not the web UI's HTML page (issue 16 point 7); a NUL in a query
parameter is a 400 on every database (PostgreSQL answered `?source=%00` with a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/cases%0A", "/api/cases/1%0A", "/api/%0A", "/api/score%0Ajobs"])
def test_an_api_path_with_a_line_break_is_a_json_404(api, path):
    response = api("viewer").client.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert "there is no API endpoint" in response.json()["error"]


def test_api_answers_are_not_stored_by_caches(api, community):
    client = api("viewer")
    for response in (client.get("/api/cases"), client.get(f"/api/cases/{community['billing'].pk}"),
                     client.get("/api/nothing-here"), Client().get("/api/health"), Client().get("/api/cases")):
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_logged_in_pages_are_not_stored_by_caches(make_user, community):
    client = Client()
    client.force_login(make_user("manager"))
    for path in ("/", f"/cases/{community['billing'].pk}/", "/dashboard/", "/threads/", "/me/"):
        response = client.get(path)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], path


@pytest.mark.parametrize("query", ["source=%00", "state=new%00", "q%00=x", "source=lumen%00forum"])
def test_a_nul_in_a_query_parameter_is_a_400_not_a_500(api, make_user, community, query):
    response = api("viewer").client.get(f"/api/cases?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["error"]
    client = Client()
    client.force_login(make_user("manager"))
    page = client.get(f"/?{query}")
    assert page.status_code == 400 and b"NUL" in page.content
