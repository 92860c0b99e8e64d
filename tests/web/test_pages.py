"""The pages a visitor reaches: the home page carries the landing page's content; unbuilt parts say so."""

import pytest
from django.test import Client

from roofline.web.tools.catalog import TOOLS

pytestmark = pytest.mark.django_db


def test_the_home_page_carries_the_tagline_community_cards_and_six_tools():
    page = Client().get("/").text
    assert (
        "An open community for learning, writing, and tinkering on the infrastructure behind modern AI — "
        "inference engines, training systems, ml stacks, and everything in between." in page
    )
    assert "Searchable, attributed, permanent." in page and "Open Discussions →" in page
    assert "whether MoE is overrated." in page and "Join the chat →" in page
    for tool in TOOLS:
        assert f'href="/tools/{tool.slug}/"' in page and tool.tagline in page
    assert len(TOOLS) == 6


@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.slug)
def test_every_tool_has_its_page_linked_from_the_tools_index(tool):
    assert f'href="/tools/{tool.slug}/"' in Client().get("/tools/").text
    response = Client().get(f"/tools/{tool.slug}/")
    assert response.status_code == 200
    assert tool.name in response.text and "Coming soon" not in response.text


def test_the_api_publishes_its_openapi_schema():
    schema = Client().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Roofline API"
    assert "/api/jobs/" in schema["paths"] and "/api/jobs/{job_id}" in schema["paths"]


def test_a_missing_page_is_the_sites_own_404_with_navigation():
    response = Client().get("/tools/teleporter/")
    assert response.status_code == 404
    assert "Not found" in response.text and 'aria-label="Main"' in response.text
