"""Load the demo articles from the content folder into an empty site (a site with articles is left alone)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from roofline.web.articles.demo import load_demo_articles


class Command(BaseCommand):
    help = "Load demo articles (content/articles/*.md) when the site has no articles yet."

    def add_arguments(self, parser):
        parser.add_argument("--folder", default=str(Path(settings.ROOFLINE_CONTENT_DIR) / "articles"))

    def handle(self, folder: str, **options):
        path = Path(folder)
        if not path.is_dir():
            self.stdout.write(f"No demo content at {path}; nothing loaded.")
            return
        loaded = load_demo_articles(path)
        self.stdout.write(f"Loaded {loaded} demo articles." if loaded else "The site has articles; demo not loaded.")
