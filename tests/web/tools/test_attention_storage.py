"""The attention inspector's stored head matrices have a bounded life: at most ROOFLINE_ATTENTION_MATRICES_GIB on
disk (oldest removed first, the newest always kept), none older than ROOFLINE_ATTENTION_MATRICES_DAYS, none that
no job refers to; nothing else in the directory is touched; `prune_attention_matrices --dry-run` removes nothing;
a pruned run's grid is still served and its heads say why they are gone."""

import os
import time
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from roofline.web.jobs.models import Job
from roofline.web.jobs.runner import execute_job
from roofline.web.tools.attention.jobs import ORPHAN_GRACE_SECONDS, matrices_dir, prune_matrices
from tests.attention.models import llama_config, save_model
from tests.web.tools.test_attention_faces import TEXT, post_run

pytestmark = pytest.mark.django_db
NOW = time.time()
DAY = 86400
KIB = 2**10 / 2**30  # one KiB, in the setting's GiB


@pytest.fixture
def home(tmp_path, settings):
    settings.ROOFLINE_HOME = tmp_path
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 5
    settings.ROOFLINE_ATTENTION_MATRICES_DAYS = 0
    matrices_dir().mkdir()
    return tmp_path


def stored(age_seconds: float, size: int = 1024, *, job: bool = True, owner=None, name: str | None = None) -> str:
    """A matrices file `age_seconds` old (by its mtime) of `size` bytes, and a succeeded attention job naming it."""
    name = name or f"{uuid.uuid4().hex}.safetensors"
    path = matrices_dir() / name
    path.write_bytes(b"\0" * size)
    os.utime(path, (NOW - age_seconds, NOW - age_seconds))
    if job:
        Job.objects.create(
            kind="attention", status="succeeded", owner=owner, result={"matrices_file": name, "heads": []},
            finished_at=timezone.now() - timedelta(seconds=age_seconds),
        )  # fmt: skip
    return name


def left() -> set[str]:
    return {path.name for path in matrices_dir().iterdir()}


def test_the_disk_bound_removes_the_oldest_files_first(home, settings):
    names = [stored(age) for age in (50, 40, 30, 20, 10)]  # oldest first, 1 KiB each
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 2.5 * KIB
    removed = prune_matrices(now=NOW)
    assert [(r.name, r.reason, r.size) for r in removed] == [(n, "disk", 1024) for n in names[:3]]
    assert left() == set(names[3:])
    assert prune_matrices(now=NOW) == []  # under the bound now


def test_the_newest_file_is_kept_even_over_the_bound(home, settings):
    older, newest = stored(20, 4096), stored(10, 4096)
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 0
    assert [r.name for r in prune_matrices(now=NOW)] == [older]
    assert left() == {newest}


def test_the_file_a_job_just_wrote_is_kept(home, settings):
    """The worker prunes with keep=<its new file>, which no job names yet and which another worker's file may follow."""
    just_written, newest = stored(2 * ORPHAN_GRACE_SECONDS, job=False), stored(10)
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 0
    assert prune_matrices(keep=just_written, now=NOW) == []
    assert left() == {just_written, newest}


def test_files_no_job_refers_to_are_removed_after_a_grace_period(home):
    kept, orphan, fresh = stored(3 * DAY), stored(2 * ORPHAN_GRACE_SECONDS, job=False), stored(60, job=False)
    removed = prune_matrices(now=NOW)
    assert [(r.name, r.reason) for r in removed] == [(orphan, "orphan")]
    assert left() == {kept, fresh}  # a fresh file's job may not have saved its result yet


def test_a_job_of_another_kind_does_not_keep_a_file(home):
    stored(3 * DAY)
    name = stored(2 * ORPHAN_GRACE_SECONDS, job=False)
    Job.objects.create(kind="selfcheck", status="succeeded", result={"matrices_file": name})
    assert [r.reason for r in prune_matrices(now=NOW)] == ["orphan"]


def test_no_file_is_an_orphan_while_no_job_names_any(home, settings):
    """A command run against the wrong (or an empty) database must not take every file for an orphan."""
    names = {stored(age, job=False) for age in (3 * DAY, 2 * DAY)}
    Job.objects.create(kind="attention", status="failed", result=None)
    assert prune_matrices(now=NOW) == []
    assert left() == names
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 0  # the disk bound still holds
    assert [r.reason for r in prune_matrices(now=NOW)] == ["disk"]


def test_deleting_a_job_removes_its_file(home, django_capture_on_commit_callbacks):
    name, other = stored(10), stored(20)
    with django_capture_on_commit_callbacks(execute=True):
        Job.objects.get(result__matrices_file=name).delete()
    assert left() == {other}


def test_files_older_than_the_age_limit_are_removed(home, settings):
    settings.ROOFLINE_ATTENTION_MATRICES_DAYS = 2
    old, young = stored(3 * DAY), stored(1 * DAY)
    assert [(r.name, r.reason) for r in prune_matrices(now=NOW)] == [(old, "age")]
    assert left() == {young}


def test_nothing_but_matrices_files_is_ever_touched(home, settings, tmp_path):
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 0
    outside = tmp_path / "precious.bin"
    outside.write_bytes(b"x" * 4096)
    directory = matrices_dir()
    others = {
        "notes.txt", "README", f"{uuid.uuid4().hex.upper()}.safetensors", f"{uuid.uuid4().hex}.safetensors.tmp",
        f"{uuid.uuid4().hex[:31]}.safetensors", f"x{uuid.uuid4().hex}.safetensors", f"{uuid.uuid4().hex}.safetensors\n",
    }  # fmt: skip
    for name in others:
        (directory / name).write_bytes(b"x" * 4096)
    looks_like_one = f"{uuid.uuid4().hex}.safetensors"  # but a directory, and a symlink out of the directory
    (directory / looks_like_one).mkdir()
    link = f"{uuid.uuid4().hex}.safetensors"
    (directory / link).symlink_to(outside)
    for path in directory.iterdir():
        os.utime(path, (NOW - 30 * DAY, NOW - 30 * DAY), follow_symlinks=False)
    newest = stored(10)

    assert prune_matrices(now=NOW) == []
    assert left() == others | {looks_like_one, link, newest}
    assert outside.read_bytes() == b"x" * 4096


def test_the_command_dry_run_lists_what_it_would_free_and_removes_nothing(home, settings):
    names = [stored(age, 3 * 2**20) for age in (30, 20, 10)]  # 3 MiB each
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 7 / 1024  # 7 MiB: the oldest goes
    out = StringIO()
    call_command("prune_attention_matrices", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert left() == set(names)
    assert f"would remove {names[0]}  3.0 MiB  (over the {7 / 1024:g} GiB bound)" in printed
    assert "Would free 3,145,728 bytes (3.0 MiB) in 1 file; 2 files (6,291,456 bytes, 6.0 MiB) kept" in printed

    out = StringIO()
    call_command("prune_attention_matrices", stdout=out)
    assert "Freed 3,145,728 bytes (3.0 MiB) in 1 file" in out.getvalue()
    assert left() == set(names[1:])


def test_the_api_says_a_pruned_runs_heads_were_removed_and_why(home, settings, member, member_client):
    name = stored(10, owner=member)
    job = Job.objects.get(result__matrices_file=name)
    (matrices_dir() / name).unlink()

    run = member_client.get(f"/api/tools/attention/runs/{job.id}")
    assert run.status_code == 200 and run.json()["result"]["matrices_file"] == name  # the grid is still there
    head = member_client.get(f"/api/tools/attention/runs/{job.id}/heads/self/0/0")
    assert head.status_code == 410
    assert head.json()["detail"] == (
        "This run's head matrices were removed to save space (over the site's 5 GiB disk bound, oldest runs first); "
        "rerun it to see them. The grid's metrics and thumbnails are kept."
    )

    settings.ROOFLINE_ATTENTION_MATRICES_DAYS = 30
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=31))
    detail = member_client.get(f"/api/tools/attention/runs/{job.id}/heads/self/0/0").json()["detail"]
    assert "removed to save space (older than 30 days); rerun it" in detail


@pytest.fixture
def site_model(tmp_path, settings):
    directory = save_model(tmp_path / "llama", llama_config())
    settings.ROOFLINE_ATTENTION_MODELS = [str(directory)]
    settings.ROOFLINE_ATTENTION_ALLOW_HUB = False
    settings.ROOFLINE_JOB_HEARTBEAT_SECONDS = 60  # no heartbeat writes racing the test's own transaction
    return str(directory)


def test_the_worker_prunes_after_each_run(home, settings, member_client, site_model):
    """Through the real job: with room for one run's file, the second run's file replaces the first's."""
    settings.ROOFLINE_ATTENTION_MATRICES_GIB = 0
    first, second = (post_run(member_client, {"model": site_model, "text": TEXT}).json()["id"] for _ in range(2))
    execute_job(first)
    first_file = Job.objects.get(pk=first).result["matrices_file"]
    os.utime(matrices_dir() / first_file, (NOW - 60, NOW - 60))  # so mtimes differ on coarse clocks
    execute_job(second)
    second_file = Job.objects.get(pk=second).result["matrices_file"]

    assert left() == {second_file}
    assert member_client.get(f"/api/tools/attention/runs/{first}/heads/self/0/0").status_code == 410
    assert len(member_client.get(f"/api/tools/attention/runs/{first}").json()["result"]["heads"]) == 2 * 4
    assert member_client.get(f"/api/tools/attention/runs/{second}/heads/self/0/0").status_code == 200
