"""Stored benchmark runs: the whole validated results file, plus one row per result for filtering."""

from django.conf import settings
from django.db import models


class KernelRun(models.Model):
    """One results file (schema roofline.kernels.results/1), submitted through the API or run by a worker."""

    class Source(models.TextChoices):
        API = "api"  # a member ran `roofline bench` on their machine and submitted the file
        WORKER = "worker"  # this site's worker ran it, started from the page

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)
    kernel = models.CharField(max_length=100, db_index=True)
    device_name = models.CharField(max_length=200, db_index=True)
    device_kind = models.CharField(max_length=8, help_text="cpu or cuda")
    measured_at = models.CharField(max_length=40, help_text="created_at of the results file (ISO 8601).")
    data = models.JSONField(help_text="The results file as submitted (validated).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kernel} on {self.device_name} (run {self.pk})"

    @property
    def label(self) -> str:
        who = self.owner.get_username() if self.owner else "site worker"
        return f"#{self.pk} {self.kernel} · {self.device_name} · {who}"


class KernelResult(models.Model):
    """One (shape, dtype, implementation) result of a run: the columns the browser filters and charts."""

    run = models.ForeignKey(KernelRun, on_delete=models.CASCADE, related_name="rows")
    kernel = models.CharField(max_length=100)
    shape_label = models.CharField(max_length=100)
    size = models.BigIntegerField()
    dtype = models.CharField(max_length=16)
    impl = models.CharField(max_length=100)
    family = models.CharField(max_length=16)
    status = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    median_s = models.FloatField(null=True)
    iqr_s = models.FloatField(null=True)
    tflops_per_s = models.FloatField(null=True)
    gb_per_s = models.FloatField(null=True)
    roofline_fraction = models.FloatField(null=True)
    speedup = models.FloatField(null=True)

    class Meta:
        ordering = ["run", "size", "dtype", "id"]
        indexes = [models.Index(fields=["kernel", "dtype", "shape_label"])]

    def __str__(self) -> str:
        return f"{self.kernel} {self.shape_label} {self.dtype} {self.impl}: {self.status}"
