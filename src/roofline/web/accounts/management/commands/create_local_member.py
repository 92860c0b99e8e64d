"""Create a local (non-GitHub) member for development and tests; refused unless ROOFLINE_LOCAL_ACCOUNTS is on."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a local member for development and tests (password from ROOFLINE_MEMBER_PASSWORD)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--staff", action="store_true", help="Give the member staff rights.")
        parser.add_argument("--name", default="", help="Display name.")

    def handle(self, username: str, staff: bool, name: str, **options):
        if not settings.ROOFLINE_LOCAL_ACCOUNTS:
            raise CommandError(
                "Local accounts are off. They exist only for development and tests: set "
                "ROOFLINE_LOCAL_ACCOUNTS=1 (or DEBUG=1) to create one."
            )
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A member called {username!r} already exists.")
        password = os.environ.get("ROOFLINE_MEMBER_PASSWORD")
        user = User(username=username, first_name=name, is_staff=staff)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        how = "with the password from ROOFLINE_MEMBER_PASSWORD" if password else "without a password"
        self.stdout.write(self.style.SUCCESS(f"Created local member {username!r} {how}."))
