"""The home page: the community's tagline, the latest writing, the two community spaces and the six tools."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.web.articles.models import Article
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


LATEST = 6


def home(request: HttpRequest) -> HttpResponse:
    published = Article.objects.published().select_related("author")
    featured = published.filter(featured=True).first()
    latest = published.exclude(pk=featured.pk) if featured else published
    context = {
        "tagline": TAGLINE,
        "community": COMMUNITY,
        "tools": TOOLS,
        "featured": featured,
        "latest": latest[:LATEST],
    }
    return render(request, "home/home.html", context)
