"""Member profiles: GitHub login, name, avatar, and what they have written and run."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from roofline.web.accounts.identity import identity_of


def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(get_user_model(), username=username, is_active=True)
    own_jobs = member.job_set.all()[:20] if request.user == member else None
    return render(
        request, "accounts/profile.html", {"member": member, "identity": identity_of(member), "own_jobs": own_jobs}
    )
