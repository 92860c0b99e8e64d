"""Channels, topics, messages with their edit history and reactions, and the per-channel event log.

Every change in a channel (a message, an edit, a delete, a reaction, a topic resolved) appends a ChannelEvent
numbered 1, 2, 3... within the channel, in the same transaction as the change. Clients remember the last
number they saw; on reconnect they get every event after it, in order, with no gaps and no repeats.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Channel(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    last_seq = models.PositiveBigIntegerField(default=0, help_text="Number of the channel's latest event.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("chat:channel", args=[self.slug])


class Topic(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=60)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at"]
        constraints = [models.UniqueConstraint(fields=["channel", "name"], name="topic_unique_in_channel")]

    def __str__(self) -> str:
        return f"{self.channel} > {self.name}"


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField(help_text="The number of the event that posted it.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_messages")
    body = models.TextField()
    rendered_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["channel", "seq"]
        constraints = [models.UniqueConstraint(fields=["channel", "seq"], name="message_seq_unique")]

    def __str__(self) -> str:
        return f"message {self.seq} in {self.channel}"

    def get_absolute_url(self) -> str:
        return reverse("chat:message", args=[self.pk])


class MessageRevision(models.Model):
    """The text a message had before one edit."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["message", "replaced_at"]

    def __str__(self) -> str:
        return f"earlier text of {self.message_id}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "member", "emoji"], name="one_reaction_each")]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"


class ChannelEvent(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message"
        EDIT = "edit"
        DELETE = "delete"
        REACTION = "reaction"
        TOPIC = "topic"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel", "seq"]
        constraints = [models.UniqueConstraint(fields=["channel", "seq"], name="channel_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.seq} in {self.channel_id}"


class Mention(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_mentions")
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"@{self.member_id} in {self.message_id}"


class ReadState(models.Model):
    """How far a member has read a channel: unread = messages with a higher seq."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "channel"], name="read_state_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} read {self.channel_id} to {self.last_read_seq}"


class Presence(models.Model):
    """One open connection watching a channel (across server processes); refreshed while it lives."""

    connection = models.CharField(max_length=200, help_text="The consumer's channel-layer name.")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "channel"], name="presence_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.channel_id}"
