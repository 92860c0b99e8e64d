"""One row per searchable thing; the engine's own index (FTS5 table or tsvector column) is kept in step with it
by the database itself (triggers / a generated column, see migrations/0002)."""

from django.db import models


class SearchDocument(models.Model):
    kind = models.CharField(max_length=32, help_text="What it is: article, thread, reply, message...")
    object_id = models.CharField(max_length=64)
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    published_at = models.DateTimeField(null=True, blank=True)
    facets = models.TextField(
        blank=True, help_text="Filter terms (api.facet_term of each name and value), space-delimited, spaces around."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
