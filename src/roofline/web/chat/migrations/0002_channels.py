"""The starting channels (staff add more in the admin)."""

from django.db import migrations

CHANNELS = [
    ("general", "Anything about AI infrastructure."),
    ("debugging", "Stuck? Paste the error, the versions and what you tried."),
    ("paper-club", "Reading papers together: one topic per paper."),
    ("kernels", "CUDA, Triton, CUTLASS, and the numbers they reach."),
    ("serving", "Inference engines, schedulers, batching, caches."),
]


def create(apps, schema_editor):
    Channel = apps.get_model("chat", "Channel")
    for position, (name, description) in enumerate(CHANNELS):
        Channel.objects.get_or_create(slug=name, defaults={"name": name, "description": description, "position": position})


class Migration(migrations.Migration):
    dependencies = [("chat", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
