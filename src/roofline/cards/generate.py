"""The card generator's entry function: facts + eval logs + answers → a model card (Markdown with YAML front
matter), its metadata, and a completeness report."""

from dataclasses import asdict, dataclass, field

import yaml

from roofline.cards.answers import CardAnswers
from roofline.cards.errors import CardError
from roofline.cards.eval_logs import EvalLog, read_eval_log, read_eval_log_file
from roofline.cards.facts import CheckpointFacts, Progress, facts_from_files, read_facts
from roofline.cards.limitations import derived_limitations
from roofline.cards.metadata_card import front_matter
from roofline.cards.render import render_body
from roofline.cards.request import CardRequest, EvalLogInput
from roofline.cards.serving import ServingEstimate, serving_estimates

UNNAMED = "Unnamed model"  # neither the answers nor the checkpoint name it (an eval log's model may be another)
# the card's parts a reader expects, and where each can come from
ANSWERED = {
    "summary": "summary", "authors": "developers", "license": "licence", "languages": "languages",
    "base_model": "base model", "intended_use": "intended use", "out_of_scope_use": "out-of-scope use",
    "training_data": "training data", "training_procedure": "training procedure", "limitations": "author's limitations",
    "recommendations": "recommendations", "ethical_considerations": "ethical considerations",
    "how_to_use": "how to use", "citation": "citation", "contact": "contact",
}  # fmt: skip


@dataclass
class CardResult:
    name: str
    facts: CheckpointFacts | None
    eval_logs: list[EvalLog]
    answers: CardAnswers
    serving: list[ServingEstimate]
    serving_assumptions: list[str]
    limitations: list[str]
    metadata: dict  # the YAML front matter
    metadata_origin: dict  # per front-matter key: "author", "checkpoint" or "eval logs"
    completeness: dict  # {"provided": [...], "missing": [...], "score": provided / total}
    markdown: str = field(repr=False)  # the whole card: front matter + body

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "facts": self.facts.to_dict() if self.facts else None,
            "eval_logs": [log.to_dict() for log in self.eval_logs],
            "answers": self.answers.model_dump(exclude_none=True, exclude_defaults=True),
            "serving": [asdict(s) for s in self.serving],
            "serving_assumptions": self.serving_assumptions,
            "limitations": self.limitations,
            "metadata": self.metadata,
            "metadata_origin": self.metadata_origin,
            "completeness": self.completeness,
            "markdown": self.markdown,
        }


def read_logs(inputs: list[EvalLogInput], allow_local_files: bool = True) -> list[EvalLog]:
    logs = []
    for item in inputs:
        if item.path is not None:
            if not allow_local_files:
                raise CardError(f"{item.name}: eval logs are uploaded here, not read from a path")
            logs.append(read_eval_log_file(item.path))
        else:
            logs.append(read_eval_log(item.name, item.data()))
    return logs


def checkpoint_facts(
    request: CardRequest, allow_local_files: bool = True, progress: Progress | None = None
) -> CheckpointFacts | None:
    if request.checkpoint:
        return read_facts(request.checkpoint, request.hash_files, allow_local_files, progress)
    if request.files:
        return facts_from_files(request.files)
    return None


def serving_for(facts: CheckpointFacts | None, gpus: list[str]) -> tuple[list[ServingEstimate], list[str]]:
    if facts is None or facts.config is None:
        return [], ["Not estimated: no config.json describes the model's shape."]
    return serving_estimates(
        facts.config, facts.dtype or facts.config_dtype, facts.quantization, facts.context_length, gpus
    )


def generate_card(request: CardRequest, allow_local_files: bool = True, progress: Progress | None = None) -> CardResult:
    """The model card for `request`. Servers pass allow_local_files=False: only Hub ids and uploaded content.
    `progress(done, total)` hears how many bytes of the local files have been hashed."""
    facts = checkpoint_facts(request, allow_local_files, progress)
    logs = read_logs(request.eval_logs, allow_local_files)
    answers = request.answers
    name = answers.model_name or (facts.name if facts and facts.name else None) or UNNAMED
    serving, assumptions = serving_for(facts, request.gpus)
    metadata, origin = front_matter(facts or _empty_facts(), answers, logs, name)
    completeness = _completeness(facts, answers, logs, metadata, named=name != UNNAMED)
    limitations = derived_limitations(facts, logs)
    body = render_body(name, facts, answers, logs, serving, assumptions, limitations, metadata, completeness["missing"])
    yaml_text = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000) if metadata else ""
    markdown = f"---\n{yaml_text}---\n\n{body}"
    return CardResult(
        name, facts, logs, answers, serving, assumptions, limitations, metadata, origin, completeness, markdown
    )


def _empty_facts() -> CheckpointFacts:
    return CheckpointFacts(source="none", kind="none")


def _completeness(
    facts: CheckpointFacts | None, answers: CardAnswers, logs: list[EvalLog], metadata: dict, named: bool
) -> dict:
    provided, missing = [], []
    (provided if named else missing).append("model name")
    for field_name, label in ANSWERED.items():
        answered = bool(getattr(answers, field_name))
        if field_name in ("license", "languages", "base_model"):
            key = {"license": "license", "languages": "language", "base_model": "base_model"}[field_name]
            answered = answered or bool(metadata.get(key))
        (provided if answered else missing).append(label)
    checks = {
        "checkpoint facts": facts is not None,
        "parameter count": bool(facts and facts.params_total is not None),
        "file hashes": bool(facts and facts.files and all(f.sha256 for f in facts.files)),
        "evaluation results": any(log.metrics for log in logs),
    }
    for label, ok in checks.items():
        (provided if ok else missing).append(label)
    total = len(provided) + len(missing)
    return {"provided": provided, "missing": missing, "score": round(len(provided) / total, 3)}
