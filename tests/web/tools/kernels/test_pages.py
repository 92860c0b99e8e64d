"""The results browser: stored runs found by filter, charted, one run's side-by-side table, two runs compared,
and a run started from the page queued for a worker (and run by one)."""

import pytest
from django.test import Client

from roofline.web.jobs.models import Job
from roofline.web.jobs.runner import execute_job
from roofline.web.tools.kernels.actions import store_results
from roofline.web.tools.kernels.models import KernelRun
from tests.conftest import csrf_token_of

pytestmark = pytest.mark.django_db
PAGE = "/tools/kernels/"


@pytest.fixture
def two_runs(member, results):
    first = store_results(results, owner=member)
    results["environment"]["device_name"] = "Other CPU"
    for row in results["results"]:
        if row["timing"]:
            row["timing"]["median_s"] *= 2
    second = store_results(results, owner=member)
    return first, second


def test_the_page_lists_runs_results_and_charts(two_runs, member):
    first, second = two_runs
    page = Client().get(PAGE).text
    assert f'href="/tools/kernels/runs/{first.pk}/"' in page and f'href="/tools/kernels/runs/{second.pk}/"' in page
    assert "Other CPU" in page and 'class="kernels-line-1"' in page  # the time chart of the newest run
    assert "% of roofline" in page and member.username in page


def test_filters_narrow_runs_and_results(two_runs):
    first, second = two_runs
    device = first.device_name
    page = Client().get(PAGE, {"device": device}).text
    assert f"/tools/kernels/runs/{first.pk}/" in page and f"/tools/kernels/runs/{second.pk}/" not in page
    page = Client().get(PAGE, {"kernel": "gemm"}).text
    assert "No runs match these filters yet." in page


def test_a_run_page_shows_the_side_by_side_table_and_reasons(two_runs):
    first, _ = two_runs
    page = Client().get(f"/tools/kernels/runs/{first.pk}/").text
    assert '<th scope="col">eager</th>' in page and '<th scope="col">cuda</th>' in page
    assert "cuda: not run: no CUDA device" in page and "1.00×" in page


def test_a_run_page_marks_a_launch_bound_result_with_its_host_and_device_time(member, results):
    eager = next(r for r in results["results"] if r["impl"] == "eager" and r["shape_label"] == "4x32")
    eager["timing"].update(method="cuda-events", median_s=9.95e-6, host_s=29.6e-6, launch_bound=True, pad_s=59.2e-6)
    run = store_results(results, owner=member)
    page = Client().get(f"/tools/kernels/runs/{run.pk}/").text
    assert "eager 4x32 float32: launch-bound: host 29.6 µs per call &gt; device 9.95 µs" in page
    assert page.count('class="badge launch-bound"') == 1  # only that cell: the other timed results are not


def test_two_runs_side_by_side_show_the_time_ratio(two_runs):
    first, second = two_runs
    page = Client().get("/tools/kernels/compare/", {"a": first.pk, "b": second.pk}).text
    assert page.count("2.00×") == 4  # every timed (shape, impl): B took twice A's time
    assert Client().get("/tools/kernels/compare/", {"a": first.pk, "b": 999}).status_code == 404
    assert Client().get("/tools/kernels/compare/", {"a": "x", "b": "y"}).status_code == 422


def test_starting_a_run_needs_a_member_and_queues_a_job_a_worker_runs(member_client):
    assert Client().post("/tools/kernels/start/", {"kernel": "softmax"}).status_code == 302  # to sign in
    form = {"kernel": "softmax", "shapes": "4x32", "dtypes": ["float32"], "impls": "eager,cuda",
            "csrfmiddlewaretoken": csrf_token_of(member_client)}  # fmt: skip
    response = member_client.post("/tools/kernels/start/", form)
    job = Job.objects.get(kind="kernels")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.id}/"
    assert job.request["shapes"] == ["4x32"] and job.owner is not None

    execute_job(job.id)  # what a worker does with it

    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    run = KernelRun.objects.get(pk=job.result["run_id"])
    assert run.source == "worker" and {r.impl: r.status for r in run.rows.all()} == {"eager": "ok", "cuda": "not_run"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kernel": "conv"}, "Pick a built-in kernel"),
        ({"kernel": "softmax", "shapes": "1x1,2x2,3x3,4x4,5x5,6x6,7x7,8x8,9x9"}, "at most 8 shapes"),
    ],
)
def test_a_bad_start_form_says_why(member_client, fields, message):
    form = {**fields, "csrfmiddlewaretoken": csrf_token_of(member_client)}
    response = member_client.post("/tools/kernels/start/", form)
    assert response.status_code == 422 and message in response.text
    assert not Job.objects.exists()
