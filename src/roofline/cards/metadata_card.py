"""The card's YAML front matter, per the Hugging Face model card spec
(https://huggingface.co/docs/hub/model-cards#model-card-metadata): licence, language, library_name,
pipeline_tag, tags, base_model, datasets, and `model-index` built with huggingface_hub's own
`eval_results_to_model_index`, so the Hub (and `model_index_to_eval_results`) reads back exactly the logs'
metrics."""

from huggingface_hub import EvalResult
from huggingface_hub.repocard_data import eval_results_to_model_index

from roofline.cards.answers import CardAnswers
from roofline.cards.eval_logs import EvalLog
from roofline.cards.facts import CheckpointFacts

TASK_TYPE = "text-generation"  # the Hub task every language-model eval result is filed under


def eval_results(logs: list[EvalLog]) -> list[EvalResult]:
    """One EvalResult per metric of every log: dataset = the task, metric type = the metric's name, config = the
    lm-eval filter or inspect scorer, dataset args = the few-shot count."""
    results = []
    for log in logs:
        for m in log.metrics:
            results.append(
                EvalResult(
                    task_type=TASK_TYPE, dataset_type=m.task, dataset_name=m.task, metric_type=m.metric,
                    metric_value=m.value, metric_name=m.metric, metric_config=m.config,
                    dataset_args={"num_few_shot": m.shots} if m.shots is not None else None,
                )
            )  # fmt: skip
    return results


def _first(*values):
    return next((v for v in values if v), None)


def _list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def front_matter(facts: CheckpointFacts, answers: CardAnswers, logs: list[EvalLog], name: str) -> tuple[dict, dict]:
    """The metadata mapping and, per field, where its value came from ("author", "checkpoint", "eval logs")."""
    readme = facts.readme_metadata
    data: dict = {}
    origin: dict[str, str] = {}

    def put(key: str, author, checkpoint) -> None:
        value = author or checkpoint
        if value:
            data[key] = value
            origin[key] = "author" if author else "checkpoint"

    put(
        "license",
        answers.license,
        _first(facts.license, readme.get("license") if isinstance(readme.get("license"), str) else None),
    )
    if data.get("license") == "other" and (answers.license_link or readme.get("license_link")):
        data["license_link"] = answers.license_link or readme.get("license_link")
    put("language", answers.languages, _list(readme.get("language")))
    put("library_name", answers.library_name, _first(_str(readme.get("library_name")), _library(facts)))
    put("pipeline_tag", answers.pipeline_tag, _first(_str(readme.get("pipeline_tag")), _pipeline(facts)))
    put("tags", answers.tags, _list(readme.get("tags")))
    put("base_model", answers.base_model, _list(readme.get("base_model")))
    put("datasets", answers.datasets, _list(readme.get("datasets")))
    results = eval_results(logs)
    if results:
        data["model-index"] = eval_results_to_model_index(name, results)
        origin["model-index"] = "eval logs"
    return data, origin


def _library(facts: CheckpointFacts) -> str | None:
    if facts.kind == "gguf":
        return "gguf"
    return "transformers" if facts.architectures else None


def _pipeline(facts: CheckpointFacts) -> str | None:
    """text-generation for a causal LM class in config.json ("...ForCausalLM"); nothing is guessed otherwise."""
    return "text-generation" if any(a.endswith("ForCausalLM") for a in facts.architectures) else None


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None
