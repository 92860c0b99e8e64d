"""The attention job: runs in the worker, keeps loaded models between jobs (bounded by
ROOFLINE_ATTENTION_CACHE_GIB), and stores every head's matrix (max-pooled past ROOFLINE_ATTENTION_DETAIL_SIZE) in a
safetensors file beside the database, so the page can fetch one head without the result carrying them all.
The files have a bounded life (prune_matrices): at most ROOFLINE_ATTENTION_MATRICES_GIB of them, oldest removed
first, none older than ROOFLINE_ATTENTION_MATRICES_DAYS when that is set, none that no job refers to."""

import logging
import os
import re
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from roofline.attention import AttentionError, AttentionRequest
from roofline.web.jobs.kinds import JobError, Progress, register_job_kind
from roofline.web.jobs.models import Job
from roofline.web.tools.attention.policy import site_request

logger = logging.getLogger(__name__)
MATRIX_FILE = re.compile(r"^[0-9a-f]{32}\.safetensors\Z")  # \Z: "$" would let a trailing newline pass
# A file no job refers to is left alone this long: the worker writes it before the job's result names it.
ORPHAN_GRACE_SECONDS = 3600


@cache
def model_cache():
    """The worker's loaded models (torch is imported here, in the worker, not by the web process)."""
    from roofline.attention import ModelCache

    return ModelCache(int(settings.ROOFLINE_ATTENTION_CACHE_GIB * 2**30))


def matrices_dir() -> Path:
    return settings.ROOFLINE_HOME / "attention"


def save_matrices(matrices) -> str:
    """Write the heads' matrices (float16, keyed "stack/layer/head") and return the file's name."""
    import torch
    from safetensors.torch import save_file

    directory = matrices_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.safetensors"
    tensors = {f"{m.stack}/{m.layer}/{m.head}": m.values.to(torch.float16).contiguous() for m in matrices}
    save_file(tensors, directory / name)
    return name


def matrices_exist(name: str) -> bool:
    """Whether a job's matrices file is still stored (False once pruned, or for a name that is not one)."""
    return bool(MATRIX_FILE.match(name)) and (matrices_dir() / name).is_file()


def removed_message(job) -> str:
    """What the page and the API say when a succeeded run's matrices file has been pruned."""
    days = settings.ROOFLINE_ATTENTION_MATRICES_DAYS
    if days > 0 and (job.finished_at or job.created_at) < timezone.now() - timedelta(days=days):
        why = f"older than {days:g} days"
    else:
        why = f"over the site's {settings.ROOFLINE_ATTENTION_MATRICES_GIB:g} GiB disk bound, oldest runs first"
    return (
        f"This run's head matrices were removed to save space ({why}); rerun it to see them. "
        "The grid's metrics and thumbnails are kept."
    )


@dataclass(frozen=True)
class Removal:
    name: str
    size: int  # bytes
    reason: str  # "orphan", "age" or "disk"


def matrix_files(directory: Path) -> list[tuple[float, str, int]]:
    """(mtime, name, size) of the regular files named like a matrices file, oldest first; nothing else is listed."""
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return []
    files = []
    for entry in entries:
        if not MATRIX_FILE.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # removed meanwhile by another worker or the command
            continue
        files.append((stat.st_mtime, entry.name, stat.st_size))
    return sorted(files)


def prune_matrices(*, keep: str | None = None, dry_run: bool = False, now: float | None = None) -> list[Removal]:
    """Remove matrices files: those no attention job refers to (after ORPHAN_GRACE_SECONDS), those older than
    ROOFLINE_ATTENTION_MATRICES_DAYS (when > 0), then the oldest until the rest fit in ROOFLINE_ATTENTION_MATRICES_GIB.
    The newest file and `keep` (the one a job just wrote) are never removed for the bound. Files not named like a
    matrices file are never touched, and no file is taken for an orphan while the database has no attention result
    at all (a command pointed at the wrong database). Returns what was (with dry_run: would be) removed."""
    directory = matrices_dir()
    files = matrix_files(directory)
    if not files:
        return []
    now = time.time() if now is None else now
    results = Job.objects.filter(kind="attention", result__isnull=False)
    referenced = {name for name in results.values_list("result__matrices_file", flat=True) if name}
    if not referenced:
        logger.warning("no attention job names a matrices file: not removing any file as an orphan")
    max_age = settings.ROOFLINE_ATTENTION_MATRICES_DAYS * 86400
    planned, kept = [], []
    for mtime, name, size in files:
        age = now - mtime
        if name == keep:
            kept.append((name, size))
        elif referenced and name not in referenced and age > ORPHAN_GRACE_SECONDS:
            planned.append(Removal(name, size, "orphan"))
        elif max_age > 0 and age > max_age:
            planned.append(Removal(name, size, "age"))
        else:
            kept.append((name, size))
    bound = max(0, int(settings.ROOFLINE_ATTENTION_MATRICES_GIB * 2**30))
    total = sum(size for _, size in kept)
    protected = {keep, kept[-1][0] if kept else None}  # the newest file stays, however large
    for name, size in kept:  # oldest first
        if total <= bound:
            break
        if name not in protected:
            planned.append(Removal(name, size, "disk"))
            total -= size
    if dry_run:
        return planned
    removed = []
    for removal in planned:
        try:
            (directory / removal.name).unlink(missing_ok=True)
        except OSError as error:
            logger.warning("could not remove attention matrices %s: %s", removal.name, error)
            continue
        removed.append(removal)
    if removed:
        logger.info(
            "removed %d attention matrices files (%d bytes): %s",
            len(removed), sum(r.size for r in removed), ", ".join(f"{r.name} ({r.reason})" for r in removed),
        )  # fmt: skip
    return removed


@receiver(post_delete, sender=Job, dispatch_uid="attention-matrices-file")
def remove_matrices_of_deleted_job(sender, instance: Job, **kwargs) -> None:
    """A deleted attention job takes its matrices file with it (once the deletion is committed)."""
    name = instance.result.get("matrices_file") if isinstance(instance.result, dict) else None
    if instance.kind != "attention" or not isinstance(name, str) or not MATRIX_FILE.match(name):
        return
    path = matrices_dir() / name
    transaction.on_commit(lambda: path.unlink(missing_ok=True), robust=True)


def load_matrix(name: str, stack: str, layer: int, head: int):
    """One head's matrix from a job's file (a float32 numpy array), or None if the file or the head is not there."""
    from safetensors import safe_open

    if not matrices_exist(name):
        return None
    with safe_open(matrices_dir() / name, framework="numpy") as handle:
        key = f"{stack}/{layer}/{head}"
        return handle.get_tensor(key).astype("float32") if key in handle.keys() else None


@register_job_kind("attention", "Attention inspector", AttentionRequest)
def run_attention(request: AttentionRequest, progress: Progress) -> dict:
    try:
        request = site_request(request)
        loaded = model_cache().get(
            request.model, dtype=request.dtype, device=request.device, revision=request.revision, progress=progress
        )
        from roofline.attention import inspect_attention

        result = inspect_attention(request, progress, loaded=loaded)
    except AttentionError as error:
        raise JobError(str(error)) from None
    data = result.to_dict(matrices=False)
    del data["matrices"]
    data["matrices_file"] = name = save_matrices(result.matrices)
    try:
        prune_matrices(keep=name)
    except Exception:  # a failed clean-up never fails the run
        logger.exception("pruning the attention matrices failed")
    return data
