"""Template context every page gets: the site's name, version, navigation and sign-in state."""

from django.conf import settings
from django.http import HttpRequest

import roofline

NAVIGATION = (
    ("Articles", "/articles/"),
    ("Discussions", "/discussions/"),
    ("Chat", "/chat/"),
    ("Tools", "/tools/"),
)


def site(request: HttpRequest) -> dict:
    from roofline.web.chat.service import unread_mentions
    from roofline.web.discussions.models import Notification

    user = request.user
    unread = 0
    if user.is_authenticated:  # the one inbox: discussion notifications and chat mentions
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        unread += unread_mentions(user).count()
    return {
        "unread_notifications": unread,
        "roofline_version": roofline.__version__,
        "navigation": NAVIGATION,
        "github_sign_in_configured": bool(settings.SOCIALACCOUNT_PROVIDERS["github"]["APPS"]),
        "local_accounts": settings.ROOFLINE_LOCAL_ACCOUNTS,
    }
