"""The thread page builds each post's action links from its permalink (one URL reversal per post, which keeps a
500-reply page fast): every link and form it shows must still be exactly what the URL configuration names."""

import re

import pytest
from django.urls import reverse

from roofline.web.discussions import actions
from tests.web.discussions.conftest import new_thread, signed_in

pytestmark = pytest.mark.django_db

POST_LINK = re.compile(r'(?:href|action)="(/discussions/p/(\d+)/[^"]*)"')


def test_every_post_link_on_the_thread_page_is_the_one_the_url_configuration_names(member, other_member, staff, qa):
    thread = new_thread(member, qa, title="Which tile size?", body="The question.")
    reply = actions.reply(other_member, thread, "Try 128.")
    actions.edit_post(other_member, reply, "Try 128 by 64.")
    actions.reply(member, thread, "A comment.", parent=reply)

    seen = set()
    for viewer in (member, other_member, staff):  # the asker (accept), the answerer (edit, delete), staff (hide)
        page = signed_in(viewer).get(thread.get_absolute_url()).content.decode()
        for url, pk in POST_LINK.findall(page):
            name = "post" if url == f"/discussions/p/{pk}/" else url.rstrip("/").rsplit("/", 1)[1]
            assert url == reverse(f"discussions:{name}", args=[int(pk)]), url
            seen.add(name)

    assert seen == {"post", "vote", "accept", "edit", "delete", "hide", "history"}
