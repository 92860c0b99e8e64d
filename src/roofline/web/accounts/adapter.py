"""allauth policy: members arrive through GitHub; local accounts are made only by a management command."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False  # no local sign-up form; `roofline manage create_local_member` makes dev/test accounts


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def get_app(self, request, provider, client_id=None):
        """The configured OAuth app. Without one (no GITHUB_CLIENT_ID/SECRET), a request to a GitHub sign-in URL
        (a bookmark, a callback in flight) gets a page saying sign-in is not configured instead of a server error."""
        from allauth.socialaccount.models import SocialApp

        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            if request is None:
                raise
            page = render(request, "socialaccount/not_configured.html", status=503)
            raise ImmediateHttpResponse(page) from None
