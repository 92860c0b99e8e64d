"""Categories, labels, threads and their posts (the opening post, replies, comments under replies), every
revision of every post, votes, notifications, the moderation log and members' API tokens.

A thread's opening post is a Post like any reply, so revisions, votes, tombstones and permalinks work the
same for both. Nothing is ever deleted: a delete sets `deleted_at`, and the text stays for staff.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from roofline.web.markdown import render_markdown, renderer_version

ACTION_SLUGS = {"reply", "moderate"}  # the thread's action URLs (urls.py): never a thread's slug


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    answerable = models.BooleanField(default=False, help_text="Q&A: one reply can be marked the accepted answer.")
    staff_only = models.BooleanField(default=False, help_text="Only staff open threads (Announcements).")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("discussions:category", args=[self.slug])


class Label(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    class Resolution(models.TextChoices):
        OPEN = "", "open"
        RESOLVED = "resolved"
        OUTDATED = "outdated"
        DUPLICATE = "duplicate"

    title = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    labels = models.ManyToManyField(Label, blank=True, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads")
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)
    locked = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False, help_text="Hidden by staff: visible to staff only.")
    resolution = models.CharField(max_length=16, choices=Resolution.choices, default="", blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    accepted_reply = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_in"
    )
    vote_count = models.IntegerField(default=0, help_text="Votes on the opening post.")
    reply_count = models.IntegerField(default=0, help_text="Replies and comments that are not deleted.")

    class Meta:
        ordering = ["-pinned", "-last_activity_at"]
        indexes = [models.Index(fields=["category", "-last_activity_at"]), models.Index(fields=["-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The permalink: the id decides, the slug is decoration (a stale one redirects)."""
        return reverse("discussions:thread", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        slug = slugify(self.title)[:80] or "thread"
        return f"{slug}-thread" if slug in ACTION_SLUGS else slug  # /t/<id>/reply/ is the reply action

    @property
    def answered(self) -> bool:
        return self.accepted_reply_id is not None


class Post(models.Model):
    """The opening post of a thread, a reply to it (parent None), or a comment under a reply."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    is_opening = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    body = models.TextField()
    rendered_html = models.TextField(blank=True, editable=False)
    renderer_version = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden = models.BooleanField(default=False)
    vote_count = models.IntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "parent", "created_at"])]

    def __str__(self) -> str:
        return f"post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("discussions:post", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def render(self) -> None:
        self.rendered_html = render_markdown(self.body).html
        self.renderer_version = renderer_version()

    def ensure_rendered(self) -> None:
        if self.renderer_version != renderer_version():
            self.render()
            Post.objects.filter(pk=self.pk).update(
                rendered_html=self.rendered_html, renderer_version=self.renderer_version
            )


class PostRevision(models.Model):
    """What a post said before one edit (and, for an opening post, the thread's title then)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="post_revision_unique")]

    def __str__(self) -> str:
        return f"revision {self.number} of post {self.post_id}"


class Vote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"vote by {self.member_id} on {self.post_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply"
        MENTION = "mention"
        ACCEPTED = "accepted"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class ModerationAction(models.Model):
    """The audit log: who did what to which thread or post, and when."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action}"


class ApiToken(models.Model):
    """A member's token for writing through the API. Only its SHA-256 digest is stored."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
