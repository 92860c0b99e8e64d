"""Hostile and broken inputs: clear CardErrors, nothing executed, nothing crashes."""

import io
import json
import os
import pickle
import shutil
import struct
import zipfile

import pytest

from roofline.cards import CardError, load_answers_text, read_eval_log, read_facts
from tests.cards.builders import SCORECARD, write_gguf


class RunsCode:
    """Unpickling this runs `touch <marker>`."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("suffix", [".pt", ".bin"])
def test_a_pickle_that_would_run_code_is_refused_and_does_not_run(tmp_path, suffix):
    import torch

    armed, control = tmp_path / "armed-ran", tmp_path / "control-ran"
    zipped = tmp_path / f"evil{suffix}"
    torch.save({"weight": torch.zeros(2), "payload": RunsCode(armed)}, zipped)  # torch's zip format
    legacy = tmp_path / f"legacy-evil{suffix}"
    legacy.write_bytes(pickle.dumps({"payload": RunsCode(armed)}))  # a bare pickle, as old .bin files are
    pickle.loads(pickle.dumps(RunsCode(control)))  # noqa: S301 - the control: this payload really runs
    assert control.exists()
    for path in (zipped, legacy):
        with pytest.raises(CardError, match="weights_only"):
            read_facts(str(path))
    assert not armed.exists()


def test_safetensors_header_claiming_10_gb_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 10 * 10**9) + b"{}")
    with pytest.raises(CardError, match="10,000,000,000 bytes, over the 100,000,000-byte limit"):
        read_facts(str(path))


def test_truncated_safetensors_files(tmp_path, tiny_llama):
    shard = sorted(tiny_llama[0].glob("*.safetensors"))[0]
    data = shard.read_bytes()
    cases = {"short.safetensors": data[:4], "header.safetensors": data[:20], "data.safetensors": data[: len(data) // 2]}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(CardError, match="truncated"):
            read_facts(str(tmp_path / name))


def test_safetensors_header_that_lies_about_sizes(tmp_path):
    header = {"w": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 16]}}
    raw = json.dumps(header).encode()
    path = tmp_path / "lies.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(16))
    with pytest.raises(CardError, match="should take 64 bytes but its offsets give 16"):
        read_facts(str(path))
    path.write_bytes(struct.pack("<Q", 7) + b"not-json" + bytes(16))
    with pytest.raises(CardError, match="not valid JSON"):
        read_facts(str(path))


def test_gguf_with_a_bad_magic_or_cut_short(tmp_path):
    good = write_gguf(tmp_path / "good.gguf").read_bytes()
    (tmp_path / "magic.gguf").write_bytes(b"GGUX" + good[4:])
    with pytest.raises(CardError, match="not a readable GGUF file.*magic"):
        read_facts(str(tmp_path / "magic.gguf"))
    for cut in (6, 100, len(good) // 2):
        (tmp_path / "cut.gguf").write_bytes(good[:cut])
        with pytest.raises(CardError, match="not a readable GGUF file"):
            read_facts(str(tmp_path / "cut.gguf"))


def test_truncated_pytorch_file(tmp_path, tiny_pt):
    (tmp_path / "cut.pt").write_bytes(tiny_pt.read_bytes()[:1000])
    with pytest.raises(CardError, match="not a readable PyTorch checkpoint"):
        read_facts(str(tmp_path / "cut.pt"))


def test_malformed_json_and_yaml_beside_the_weights(tmp_path, tiny_llama):
    directory = tmp_path / "m"
    shutil.copytree(tiny_llama[0], directory)
    (directory / "README.md").write_text("---\nlicense: [unclosed\n---\n")
    with pytest.raises(CardError, match="README.md: the YAML front matter is malformed"):
        read_facts(str(directory))
    (directory / "README.md").unlink()
    (directory / "config.json").write_text('{"model_type": "llama",')
    with pytest.raises(CardError, match="config.json is not valid JSON"):
        read_facts(str(directory))


def test_index_naming_a_missing_shard(tmp_path, tiny_llama):
    directory = tmp_path / "m"
    shutil.copytree(tiny_llama[0], directory)
    next(directory.glob("model-00002-*.safetensors")).unlink()
    with pytest.raises(CardError, match="the index names shard"):
        read_facts(str(directory))


def test_malformed_answers():
    with pytest.raises(CardError, match="not valid YAML"):
        load_answers_text("license: [apache", "answers.yaml")
    with pytest.raises(CardError, match="not valid JSON"):
        load_answers_text("{", "answers.json")
    with pytest.raises(CardError, match="licence: Extra inputs are not permitted"):
        load_answers_text("licence: mit", "answers.yaml")  # a typo is named, not ignored
    with pytest.raises(CardError, match="must be a mapping"):
        load_answers_text("- a list", "answers.yaml")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"accuracy": 0.5}', "unknown eval log shape"),
        (b"[1, 2]", "must hold a JSON object"),
        (b"\x00\x01binary", "not valid JSON"),
        (json.dumps({**SCORECARD, "schema": "roofline.scorecard/9"}).encode(), "not supported"),
        (json.dumps({**SCORECARD, "suites": [{"name": "x"}]}).encode(), "suites.0.version: Field required"),
        (b'{"results": {"task": 3}, "n-shot": {}}', r"results\['task'\] must be an object"),
        (b"PK\x03\x04 truncated zip", "damaged"),
    ],
)  # fmt: skip
def test_eval_logs_of_unknown_or_broken_shape(content, message):
    with pytest.raises(CardError, match=message):
        read_eval_log("log.json", content)


def test_eval_archive_without_inspect_files_and_a_zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(CardError, match="without header.json"):
        read_eval_log("x.eval", buffer.getvalue())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", bytes(65 * 2**20))  # 65 MiB of zeros: about 64 kB compressed
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(CardError, match="would unpack to 68,157,440 bytes"):
        read_eval_log("bomb.eval", buffer.getvalue())
