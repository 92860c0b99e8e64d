"""Prune the attention inspector's stored head matrices now, by the same rules the worker applies after each run."""

from django.conf import settings
from django.core.management.base import BaseCommand

from roofline.web.tools.attention.jobs import matrices_dir, matrix_files, prune_matrices


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Remove the attention inspector's stored head matrices that no job refers to, those older than "
        "ROOFLINE_ATTENTION_MATRICES_DAYS (when set), then the oldest until the rest fit in "
        "ROOFLINE_ATTENTION_MATRICES_GIB."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; remove nothing.")

    def handle(self, *args, dry_run: bool, **options):
        directory = matrices_dir()
        before = matrix_files(directory)
        removals = prune_matrices(dry_run=dry_run)
        why = {
            "orphan": "no job refers to it",
            "age": f"older than {settings.ROOFLINE_ATTENTION_MATRICES_DAYS:g} days",
            "disk": f"over the {settings.ROOFLINE_ATTENTION_MATRICES_GIB:g} GiB bound",
        }
        verb = "would remove" if dry_run else "removed"
        for removal in removals:
            self.stdout.write(f"{verb} {removal.name}  {_mib(removal.size)}  ({why[removal.reason]})")
        freed = sum(removal.size for removal in removals)
        kept = sum(size for _, _, size in before) - freed
        self.stdout.write(
            f"{'Would free' if dry_run else 'Freed'} {freed:,} bytes ({_mib(freed)}) in {_files(len(removals))}; "
            f"{_files(len(before) - len(removals))} ({kept:,} bytes, {_mib(kept)}) kept in {directory}."
        )
