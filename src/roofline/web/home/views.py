"""The home page: the community's tagline, the latest writing, the two community spaces and the six tools."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.web.tools.catalog import TOOLS

TAGLINE = (
    "An open community for learning, writing, and tinkering on the infrastructure behind modern AI — "
    "inference engines, training systems, ml stacks, and everything in between."
)

COMMUNITY = (
    {
        "name": "Discussions",
        "text": "Long-form threads tied to GitHub identities. Best for technical questions, paper discussions, "
        "and feature proposals. Searchable, attributed, permanent.",
        "action": "Open Discussions",
        "url": "/discussions/",
    },
    {
        "name": "Chat",
        "text": "Real-time chat for the working day. Quick questions, debugging help, paper club, and the "
        "occasional argument about whether MoE is overrated.",
        "action": "Join the chat",
        "url": "/chat/",
    },
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/home.html", {"tagline": TAGLINE, "community": COMMUNITY, "tools": TOOLS})


def coming_soon(request: HttpRequest, section: str) -> HttpResponse:
    """A section (Articles, Discussions, Chat) that is not built yet says so plainly."""
    return render(request, "home/section_coming_soon.html", {"section": section})
