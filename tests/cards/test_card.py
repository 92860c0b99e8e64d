"""Whole cards: every card parses with huggingface_hub's ModelCard, and model_index_to_eval_results on its
metadata gives back exactly the metrics of the input logs."""

import json

import pytest
from huggingface_hub import ModelCard
from huggingface_hub.repocard_data import model_index_to_eval_results

from roofline.cards import CardRequest, generate_card, load_answers_file
from roofline.cards.render import NOT_PROVIDED
from tests.cards.builders import FIXTURES, INSPECT_METRICS, LM_EVAL_METRICS, SCORECARD_METRICS


def round_trip(markdown: str) -> set[tuple]:
    """(task, metric, config, value) of every eval result the Hub would read from the card."""
    card = ModelCard(markdown, ignore_metadata_errors=False)
    _, results = model_index_to_eval_results(card.data.to_dict()["model-index"])
    assert len(results) == len({(r.dataset_name, r.metric_type, r.metric_config, r.metric_value) for r in results})
    return {(r.dataset_name, r.metric_type, r.metric_config, r.metric_value) for r in results}


def log(path) -> dict:
    return {"name": path.name, "path": str(path)}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [("lm_eval_file", LM_EVAL_METRICS), ("scorecard_file", SCORECARD_METRICS),
     (FIXTURES / "inspect_arithmetic.json", INSPECT_METRICS), (FIXTURES / "inspect_arithmetic.eval", INSPECT_METRICS)],
)  # fmt: skip
def test_each_log_format_round_trips_through_the_hub_client(fixture, expected, request, tiny_llama):
    path = request.getfixturevalue(fixture) if isinstance(fixture, str) else fixture
    result = generate_card(CardRequest(checkpoint=str(tiny_llama[0]), eval_logs=[log(path)], hash_files=False))
    assert round_trip(result.markdown) == expected


def test_all_logs_together_round_trip_and_fill_the_table(lm_eval_file, scorecard_file, tiny_llama):
    logs = [log(lm_eval_file), log(scorecard_file), log(FIXTURES / "inspect_arithmetic.eval")]
    result = generate_card(CardRequest(checkpoint=str(tiny_llama[0]), eval_logs=logs, hash_files=False))
    assert round_trip(result.markdown) == LM_EVAL_METRICS | SCORECARD_METRICS | INSPECT_METRICS
    assert "| hellaswag | acc | 0.2875 | 0.01432 | 10042 | 10 | results_2026-11-20.json |" in result.markdown
    assert "| gsm8k (strict-match) | exact_match | 0.0121 | 0.003 | 1319 | 5 |" in result.markdown
    assert "| arithmetic (match) | accuracy | 0.75 | 0.25 | 4 | — | inspect_arithmetic.eval |" in result.markdown
    card = ModelCard(result.markdown)
    assert card.data.library_name == "transformers" and card.data.pipeline_tag == "text-generation"


def test_card_states_the_exact_parameter_count_and_marks_what_is_missing(tiny_llama):
    result = generate_card(CardRequest(checkpoint=str(tiny_llama[0]), hash_files=False))
    assert "202,048 (202 k), from the safetensors headers" in result.markdown
    for section in ("### Intended use", "### Out-of-scope use", "## Training data", "## Ethical considerations",
                    "## Citation"):  # fmt: skip
        after = result.markdown.split(section + "\n\n", 1)[1]
        assert after.startswith(NOT_PROVIDED), section
    assert "licence" in result.completeness["missing"] and "evaluation results" in result.completeness["missing"]
    assert "model-index" not in result.metadata  # no logs: no results invented
    assert "license" not in result.metadata
    ModelCard(result.markdown, ignore_metadata_errors=False)  # still a valid card


def test_answers_fill_the_card_and_its_metadata(tmp_path, tiny_llama, lm_eval_file):
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "model_name: Tiny Llama\nauthors: Roofline tests\nlicense: apache-2.0\nlanguages: [en]\n"
        "base_model: meta-llama/Llama-2-7b-hf\ndatasets: [roneneldan/TinyStories]\n"
        "intended_use: Testing model card tooling.\nout_of_scope_use: Anything real.\n"
        "training_data: Random initialisation, no data.\nlimitations: It is random.\n"
        "ethical_considerations: None known.\ncitation: '@misc{tiny, title={Tiny}}'\n"
    )
    request = CardRequest(
        checkpoint=str(tiny_llama[0]), eval_logs=[log(lm_eval_file)], answers=load_answers_file(answers)
    )
    result = generate_card(request)
    card = ModelCard(result.markdown)
    assert card.data.license == "apache-2.0"
    assert card.data.language == ["en"]
    assert card.data.base_model == ["meta-llama/Llama-2-7b-hf"]
    assert card.data.datasets == ["roneneldan/TinyStories"]
    assert card.data.model_name == "Tiny Llama"
    assert result.markdown.split("### Intended use\n\n", 1)[1].startswith("Testing model card tooling.")
    assert "```bibtex\n@misc{tiny, title={Tiny}}\n```" in result.markdown
    assert result.metadata_origin["license"] == "author"
    assert "intended use" in result.completeness["provided"]


def test_derived_limitations_name_their_numbers(tiny_llama, lm_eval_file, scorecard_file):
    result = generate_card(
        CardRequest(checkpoint=str(tiny_llama[0]), eval_logs=[log(lm_eval_file), log(scorecard_file)], hash_files=False)
    )
    text = "\n".join(result.limitations)
    assert "gsm8k exact_match 0.0121 ± 0.003" in text  # the weakest task comes first
    assert "under-refusal (complies with requests it should refuse) rate 0.125" in text
    assert "Context window: 512 tokens" in text
    assert "arith-mini scored on fewer than 100 items" in text


def test_serving_estimates_come_from_the_throughput_estimator(tiny_llama):
    from roofline.throughput import ThroughputRequest, estimate_throughput

    result = generate_card(CardRequest(checkpoint=str(tiny_llama[0]), hash_files=False, gpus=["h100-sxm"]))
    [row] = result.serving
    config = json.loads((tiny_llama[0] / "config.json").read_text())
    direct = estimate_throughput(ThroughputRequest(config=config, gpu="h100-sxm", batch=1, context=511))
    assert row.decode_tokens_per_s == direct.decode["tokens_per_s"]
    assert row.weight_bytes == 2 * 202_048  # fp32 checkpoint served at bf16, as the card says
    assert "Stored in fp32: served at bf16" in result.serving_assumptions[0]


def test_card_from_uploaded_files_and_an_unfinished_run(tiny_llama):
    texts = {"config.json": (tiny_llama[0] / "config.json").read_text()}
    data = (FIXTURES / "inspect_unfinished.eval").read_bytes()
    import base64

    request = CardRequest(
        files=texts, eval_logs=[{"name": "run.eval", "content_base64": base64.b64encode(data).decode()}]
    )
    result = generate_card(request, allow_local_files=False)
    assert "The logs hold no finished results." in result.markdown
    assert any("inspect run started" in note for note in result.limitations)
    assert "model-index" not in result.metadata
    ModelCard(result.markdown, ignore_metadata_errors=False)


def test_gguf_card(gguf_file):
    result = generate_card(CardRequest(checkpoint=str(gguf_file), hash_files=False))
    card = ModelCard(result.markdown)
    assert card.data.license == "apache-2.0"  # declared in the GGUF: from the checkpoint
    assert result.metadata_origin["license"] == "checkpoint"
    assert card.data.library_name == "gguf"
    assert "Not estimated: no config.json" in result.markdown


def test_quantised_checkpoint_keeps_the_formula_count_and_says_why(tmp_path, tiny_llama):
    """GPTQ packs eight 4-bit weights into one int32: stored elements are not parameters."""
    import torch
    from safetensors.torch import save_file

    config = json.loads((tiny_llama[0] / "config.json").read_text())
    config["quantization_config"] = {"quant_method": "gptq", "bits": 4, "group_size": 128}
    (tmp_path / "config.json").write_text(json.dumps(config))
    save_file({"model.layers.0.mlp.down_proj.qweight": torch.zeros(16, 64, dtype=torch.int32)},
              tmp_path / "model.safetensors")  # fmt: skip
    result = generate_card(CardRequest(checkpoint=str(tmp_path), hash_files=False, gpus=["h100-sxm"]))
    facts = result.facts
    assert facts.quantization == "gptq 4-bit"
    assert facts.params_total == 202_048 and facts.params_source == "config.json (formula)"
    assert any("packs several weights into one stored element" in note for note in facts.notes)
    assert result.serving[0].weights_format == "int4"
    assert any(note.startswith("Quantised weights (gptq 4-bit)") for note in result.limitations)
