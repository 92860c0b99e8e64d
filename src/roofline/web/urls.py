"""The site's URL map: pages, sign-in, the JSON API at /api/ and the admin."""

from django.contrib import admin
from django.urls import include, path

from roofline.web.api import api

urlpatterns = [
    path("", include("roofline.web.home.urls")),
    path("articles/", include("roofline.web.articles.urls")),
    path("discussions/", include("roofline.web.discussions.urls")),
    path("chat/", include("roofline.web.chat.urls")),
    path("tools/", include("roofline.web.tools.urls")),
    path("jobs/", include("roofline.web.jobs.urls")),
    path("members/", include("roofline.web.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
