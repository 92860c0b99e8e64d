"""WebSocket routes, one line per feature."""

from django.urls import path

from roofline.web.jobs.consumers import JobProgressConsumer

websocket_urlpatterns = [
    path("ws/jobs/<uuid:job_id>/", JobProgressConsumer.as_asgi()),
]
