"""The starting categories (staff can add more in the admin) and a few labels."""

from django.db import migrations

CATEGORIES = [
    ("Q&A", "q-and-a", "Technical questions; the asker or staff accepts the answer that solved it.", True, False),
    ("Papers", "papers", "Discussing papers: what they claim, what they measured, what holds up.", False, False),
    ("Proposals", "proposals", "Feature proposals for Roofline and its tools.", False, False),
    ("Show & Tell", "show-and-tell", "Things you built or measured.", False, False),
    ("Announcements", "announcements", "News from the Roofline team (staff post, everyone replies).", False, True),
]
LABELS = ["inference", "training", "kernels", "serving", "hardware", "bug", "tools"]


def create(apps, schema_editor):
    Category = apps.get_model("discussions", "Category")
    Label = apps.get_model("discussions", "Label")
    for position, (name, slug, description, answerable, staff_only) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "answerable": answerable,
                      "staff_only": staff_only, "position": position},
        )  # fmt: skip
    for name in LABELS:
        Label.objects.get_or_create(slug=name, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("discussions", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
