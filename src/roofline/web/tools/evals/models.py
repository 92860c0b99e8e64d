"""An eval run started from the site: who asked, its job, its sealed key until a worker takes it, its scorecard."""

import uuid

from django.conf import settings
from django.db import models


class EvalRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    job = models.OneToOneField("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL)
    model_name = models.CharField(max_length=300)
    sealed_key = models.BinaryField(
        null=True, blank=True, help_text="The API key encrypted (Fernet), only until the worker takes it; then null."
    )
    scorecard = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"eval run {self.id} of {self.model_name}"
