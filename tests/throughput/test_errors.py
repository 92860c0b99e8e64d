"""Bad input gets a clear error naming what to change."""

import pytest
from pydantic import ValidationError

from roofline.hardware import UnknownAccelerator, UnsupportedDtype
from roofline.throughput import ThroughputError, ThroughputRequest, estimate_throughput


def test_an_unknown_accelerator_suggests_near_names():
    with pytest.raises(UnknownAccelerator, match="Did you mean: h100-sxm"):
        estimate_throughput(ThroughputRequest(model="meta-llama/Llama-3.1-8B", gpu="h1OO"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"batch": 0}, "batch"),
        ({"context": -5}, "context"),
        ({"prompt": 0}, "prompt"),
        ({"gpus": 0}, "gpus"),
        ({"weights": "fp3"}, "weights"),
        ({"model": None}, "exactly one of `model`"),
        ({"config": {"model_type": "llama"}}, "exactly one of `model`"),
    ],
)
def test_invalid_requests_are_refused_before_estimating(fields, message):
    with pytest.raises(ValidationError, match=message):
        ThroughputRequest(**{"model": "meta-llama/Llama-3.1-8B", **fields})


def test_a_malformed_or_incomplete_config_names_the_missing_fields():
    with pytest.raises(ThroughputError, match="lacks num_hidden_layers"):
        estimate_throughput(ThroughputRequest(config={"model_type": "llama", "hidden_size": 4096}))


def test_a_dtype_the_accelerator_lacks_is_refused():
    with pytest.raises(UnsupportedDtype, match="fp8"):
        estimate_throughput(ThroughputRequest(model="meta-llama/Llama-3.1-8B", gpu="a100-80gb", weights="fp8"))


def test_servers_never_read_local_files(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ThroughputError, match="not a shipped model or a Hub id"):
        estimate_throughput(ThroughputRequest(model=str(tmp_path)), allow_local_files=False)


def test_a_model_that_does_not_fit_says_so_explicitly():
    result = estimate_throughput(ThroughputRequest(model="meta-llama/Llama-3.1-405B", gpu="l4")).to_dict()
    assert result["memory"]["fits"] is False and result["memory"]["max_batch"] == 0


def test_a_custom_accelerator_file_is_used_by_the_cli_path_but_never_by_servers(tmp_path):
    import json
    from importlib import resources

    catalog = json.loads((resources.files("roofline.hardware") / "catalog.json").read_text())
    h100 = next(entry for entry in catalog["accelerators"] if entry["id"] == "h100-sxm")  # valid as a custom file
    entry = {**h100, "id": "my-h100", "name": "My H100", "aliases": []}
    path = tmp_path / "my-h100.json"
    path.write_text(json.dumps(entry))
    result = estimate_throughput(ThroughputRequest(model="meta-llama/Llama-3.1-8B", gpu=str(path))).to_dict()
    assert result["accelerator"]["name"] == "My H100"
    with pytest.raises(UnknownAccelerator):
        estimate_throughput(ThroughputRequest(model="meta-llama/Llama-3.1-8B", gpu=str(path)), allow_local_files=False)
