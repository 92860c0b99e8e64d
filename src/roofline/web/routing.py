"""WebSocket routes, one line per feature."""

from django.urls import path

from roofline.web.chat.consumers import ChatConsumer
from roofline.web.jobs.consumers import JobProgressConsumer

websocket_urlpatterns = [
    path("ws/jobs/<uuid:job_id>/", JobProgressConsumer.as_asgi()),
    path("ws/chat/", ChatConsumer.as_asgi()),
]
