"""Articles, their tags, every saved revision, and the slugs they used to have."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from roofline.web.markdown import render_markdown, renderer_version, word_count

WORDS_PER_MINUTE = 230  # a common estimate for technical prose


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def visible_to(self, user):
        """Published articles, plus the user's own drafts (all drafts for staff)."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(models.Q(status=Article.Status.PUBLISHED) | models.Q(author=user))
        return self.filter(status=Article.Status.PUBLISHED)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=400, help_text="The dek: one or two sentences under the title.")
    body = models.TextField(help_text="Markdown.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(default=False, help_text="Shown on the home page; one at a time, set by staff.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reading_minutes = models.PositiveIntegerField(default=1)
    rendered_html = models.TextField(blank=True, editable=False)
    rendered_toc = models.JSONField(default=list, blank=True, editable=False)
    rendered_has_math = models.BooleanField(default=False, editable=False)
    renderer_version = models.CharField(max_length=200, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def can_edit(self, user) -> bool:
        return user.is_authenticated and (user.is_staff or user.pk == self.author_id)

    def render(self) -> None:
        """Render the body into the cached HTML and table of contents (not saved)."""
        rendered = render_markdown(self.body)
        self.rendered_html = rendered.html
        self.rendered_toc = [{"level": e.level, "id": e.id, "text": e.text} for e in rendered.toc]
        self.rendered_has_math = rendered.has_math
        self.renderer_version = renderer_version()
        self.reading_minutes = max(1, round(word_count(self.body) / WORDS_PER_MINUTE))

    def ensure_rendered(self) -> None:
        """Re-render and save the cached HTML when the renderer changed since it was made."""
        if self.renderer_version != renderer_version():
            self.render()
            Article.objects.filter(pk=self.pk).update(
                rendered_html=self.rendered_html,
                rendered_toc=self.rendered_toc,
                rendered_has_math=self.rendered_has_math,
                renderer_version=self.renderer_version,
                reading_minutes=self.reading_minutes,
            )


class ArticleSlug(models.Model):
    """A slug an article had before its title changed; its old URL redirects to the current one."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")

    def __str__(self) -> str:
        return f"{self.slug} -> {self.article.slug}"


class ArticleRevision(models.Model):
    """What the article held after one save: nothing a writer typed is ever lost."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400)
    body = models.TextField()
    tags = models.CharField(max_length=400, blank=True, help_text="Comma-separated tag names.")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    saved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_revision_unique")]

    def __str__(self) -> str:
        return f"{self.article} revision {self.number}"
