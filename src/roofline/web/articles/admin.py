"""Tags only: articles are written and edited on the site, where every save keeps a revision."""

from django.contrib import admin

from roofline.web.articles.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
