"""The kernel runs API: submit a results file with a member's API token, list, filter and read it back."""

import json

import pytest
from django.test import Client

from roofline.web.discussions.tokens import create_token
from roofline.web.tools.kernels.models import KernelResult, KernelRun

pytestmark = pytest.mark.django_db
RUNS = "/api/tools/kernels/runs"


def post(client: Client, data, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(RUNS, data=json.dumps(data), content_type="application/json", headers=headers)


def test_a_member_submits_a_results_file_with_a_token(member, results):
    token = create_token(member, "bench")[1]
    response = post(Client(), results, token)

    assert response.status_code == 201, response.content
    run = KernelRun.objects.get(pk=response.json()["id"])
    assert run.owner == member and run.kernel == "softmax" and run.source == "api"
    assert run.device_name == results["environment"]["device_name"]
    assert KernelResult.objects.filter(run=run).count() == 6
    fused = KernelResult.objects.get(run=run, impl="fused", shape_label="16x32")
    expected = next(r for r in results["results"] if r["impl"] == "fused" and r["shape_label"] == "16x32")
    assert fused.median_s == expected["timing"]["median_s"] and fused.status == "ok"
    assert response.json()["url"] == f"/tools/kernels/runs/{run.pk}/"


def test_submitting_needs_a_valid_token(results):
    assert post(Client(), results).status_code == 401
    assert post(Client(), results, "rfl_not-a-token").status_code == 401
    assert KernelRun.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema="roofline.kernels.results/99"), "unsupported results schema"),
        (lambda d: d["results"][0].update(status="fast"), "results.0.status"),
        (lambda d: d["results"][0]["timing"].update(median_s=-1.0), "results.0.timing.median_s"),
        (lambda d: d.update(results=[]), "no results"),
    ],
)
def test_an_invalid_file_is_refused_with_the_reason(member, results, change, message):
    change(results)
    response = post(Client(), results, create_token(member, "bench")[1])
    assert response.status_code == 422 and message in response.json()["detail"]
    assert KernelRun.objects.count() == 0


def test_runs_are_listed_filtered_and_read_back(member, results):
    token = create_token(member, "bench")[1]
    first = post(Client(), results, token).json()
    results["environment"]["device_name"] = "Other CPU"
    results["results"] = [r for r in results["results"] if r["shape_label"] == "4x32"]
    second = post(Client(), results, token).json()

    client = Client()
    assert [r["id"] for r in client.get(RUNS).json()] == [second["id"], first["id"]]
    assert [r["id"] for r in client.get(RUNS, {"device": "Other CPU"}).json()] == [second["id"]]
    assert [r["id"] for r in client.get(RUNS, {"shape": "16x32"}).json()] == [first["id"]]
    assert client.get(RUNS, {"kernel": "gemm"}).json() == []
    one = client.get(f"{RUNS}/{first['id']}").json()
    assert one["owner"] == member.username and one["data"]["schema"] == "roofline.kernels.results/1"
    rows = client.get("/api/tools/kernels/results", {"dtype": "float32", "shape": "4x32"}).json()
    assert {(r["run_id"], r["impl"]) for r in rows} == {(i, impl) for i in (first["id"], second["id"])
                                                         for impl in ("eager", "fused", "cuda")}  # fmt: skip
