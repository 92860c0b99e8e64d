"""Response headers Django does not set on its own: a Content-Security-Policy that allows only our own assets."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(github_url: str = "https://github.com") -> str:
    """The policy; forms may post to this site and to GitHub's sign-in (github.com, or the GitHub Enterprise
    Server that ROOFLINE_GITHUB_URL names: "Sign in with GitHub" redirects the form's POST there)."""
    github = urlsplit(github_url)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # KaTeX and Pygments output carry style attributes; scripts stay locked to our own files.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: https://avatars.githubusercontent.com",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            f"form-action 'self' {github.scheme}://{github.netloc}",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Adds the site's Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        github = settings.SOCIALACCOUNT_PROVIDERS.get("github", {})
        self.policy = content_security_policy(github.get("GITHUB_URL") or "https://github.com")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
