"""Atom and RSS feeds, site-wide and per tag, parse as what they claim to be."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from roofline.web.articles.actions import publish_article, save_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def articles(member):
    kernels = publish_article(save_article(editor=member, title="On kernels", summary="K.", body="b", tags=["kernels"]))
    serving = publish_article(save_article(editor=member, title="On serving", summary="S.", body="b", tags=["serving"]))
    save_article(editor=member, title="Unfinished", summary="D.", body="b", tags=["kernels"])
    return kernels, serving


def test_the_atom_feed_lists_published_articles(articles):
    response = Client().get("/articles/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert sorted(titles) == ["On kernels", "On serving"]
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/articles/")


def test_an_entry_keeps_its_id_when_the_title_changes(articles, member):
    kernels, _ = articles
    before = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}id").text for e in _entries()}
    save_article(article=kernels, editor=member, title="On kernels, revised", summary="K.", body="b", tags=[])
    after = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}id").text for e in _entries()}
    assert after["On kernels, revised"] == before["On kernels"] == f"tag:roofline,2026:article/{kernels.pk}"


def _entries():
    return ET.fromstring(Client().get("/articles/feed/atom/").content).findall(f"{ATOM}entry")


def test_the_rss_feed_is_rss_2(articles):
    channel = ET.fromstring(Client().get("/articles/feed/rss/").content).find("channel")
    assert sorted(item.find("title").text for item in channel.findall("item")) == ["On kernels", "On serving"]


def test_tag_feeds_hold_only_that_tag(articles):
    atom = ET.fromstring(Client().get("/articles/tags/kernels/feed/atom/").content)
    assert [e.find(f"{ATOM}title").text for e in atom.findall(f"{ATOM}entry")] == ["On kernels"]
    rss = ET.fromstring(Client().get("/articles/tags/serving/feed/rss/").content)
    assert [i.find("title").text for i in rss.find("channel").findall("item")] == ["On serving"]
    assert Client().get("/articles/tags/nope/feed/atom/").status_code == 404
