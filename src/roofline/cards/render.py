"""The card's Markdown body: the sections of Mitchell et al., "Model Cards for Model Reporting" (FAT* 2019,
arXiv:1810.03993) merged with the Hugging Face model card template
(huggingface_hub/templates/modelcard_template.md). What nobody provided is written as NOT_PROVIDED."""

import roofline
from roofline.cards.answers import CardAnswers
from roofline.cards.eval_logs import EvalLog
from roofline.cards.facts import CheckpointFacts
from roofline.cards.serving import ServingEstimate
from roofline.units import count, si

NOT_PROVIDED = "_Not provided._"


def _text(value: str | None) -> str:
    return value.strip() if value and value.strip() else NOT_PROVIDED


def _cell(value) -> str:
    """A table cell: pipes escaped, newlines flattened, missing values as an em dash."""
    if value is None or value == "":
        return "—"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _number(value: float | None) -> str | None:
    return None if value is None else f"{value:.4g}"


def render_body(
    name: str,
    facts: CheckpointFacts | None,
    answers: CardAnswers,
    logs: list[EvalLog],
    serving: list[ServingEstimate],
    serving_assumptions: list[str],
    limitations: list[str],
    metadata: dict,
    missing: list[str],
) -> str:
    parts = [f"# {' '.join(name.split())}", _text(answers.summary)]
    parts += _details(facts, answers, metadata)
    parts += ["## Uses", "### Intended use", _text(answers.intended_use)]
    parts += ["### Out-of-scope use", _text(answers.out_of_scope_use)]
    parts += ["## Training data", _text(answers.training_data)]
    parts += ["## Training procedure", _text(answers.training_procedure)]
    parts += _evaluation(logs)
    parts += ["## Bias, risks and limitations", "### Shown by the checkpoint and the evaluations"]
    parts.append("\n".join(f"- {note}" for note in limitations) if limitations else NOT_PROVIDED)
    parts += [
        "### Stated by the authors",
        _text(answers.limitations),
        "### Recommendations",
        _text(answers.recommendations),
    ]
    parts += ["## Ethical considerations", _text(answers.ethical_considerations)]
    parts += ["## How to use", _how_to_use(answers, facts)]
    parts += _technical(facts, serving, serving_assumptions)
    citation = f"```bibtex\n{answers.citation.strip()}\n```" if answers.citation else NOT_PROVIDED
    parts += ["## Citation", citation, "## Model card contact", _text(answers.contact)]
    parts += ["## About this card", _about(facts, logs, missing)]
    return "\n\n".join(parts) + "\n"


def _details(facts: CheckpointFacts | None, answers: CardAnswers, metadata: dict) -> list[str]:
    f = facts
    params = None
    if f and f.params_total is not None:
        params = f"{count(f.params_total)}, from the {f.params_source}"
    active = count(f.params_active) if f and f.params_active is not None and f.experts else None
    rows = [
        ["Developed by", answers.authors or NOT_PROVIDED],
        ["Licence", metadata.get("license") or NOT_PROVIDED],
        ["Base model", ", ".join(metadata.get("base_model", [])) or NOT_PROVIDED],
        ["Language(s)", ", ".join(metadata.get("language", [])) or NOT_PROVIDED],
        ["Architecture", _architecture(f)],
        ["Parameters", params or NOT_PROVIDED],
    ]
    if active:
        rows.append(["Active parameters per token", active])
    rows += [
        ["Weights", _precision(f)],
        ["Context length", f"{f.context_length:,} tokens" if f and f.context_length else NOT_PROVIDED],
        [
            "Chat template",
            {True: "included", False: "not included", None: NOT_PROVIDED}[f.chat_template if f else None],
        ],
        ["Repository", answers.repository or NOT_PROVIDED],
        ["Paper", answers.paper or NOT_PROVIDED],
    ]
    return ["## Model details", _table(["Property", "Value"], rows)]


def _architecture(f: CheckpointFacts | None) -> str:
    if f is None or not f.architecture:
        return NOT_PROVIDED
    classes = f" ({', '.join(f.architectures)})" if f.architectures else ""
    shape = f"; {f.layers} layers, hidden {f.hidden}" if f.layers and f.hidden else ""
    return f"{f.architecture}{classes}{shape}"


def _precision(f: CheckpointFacts | None) -> str:
    if f is None or not (f.dtype or f.config_dtype or f.quantization):
        return NOT_PROVIDED
    parts = []
    if f.quantization:
        parts.append(f"quantised: {f.quantization}")
    if f.dtype:
        parts.append(f"stored mostly as {f.dtype}")
    elif f.config_dtype:
        parts.append(f"{f.config_dtype} (config.json)")
    return "; ".join(parts)


def _evaluation(logs: list[EvalLog]) -> list[str]:
    parts = ["## Evaluation"]
    if not logs:
        return [*parts, NOT_PROVIDED]
    rows = [
        [m.task + (f" ({m.config})" if m.config else ""), m.metric, _number(m.value),
         _number(m.stderr), m.n, m.shots, log.source]
        for log in logs for m in log.metrics
    ]  # fmt: skip
    parts.append("### Results")
    parts.append(
        _table(["Task", "Metric", "Value", "± stderr", "n", "Shots", "Source log"], rows)
        if rows
        else "The logs hold no finished results."
    )
    parts.append("### Logs")
    listed = []
    for log in logs:
        where = f"{log.source}: {log.format}, model `{log.model or 'not recorded'}`, status {log.status}"
        extra = "; ".join(f"{k} {v}" for k, v in log.details.items() if isinstance(v, str | int | float))
        listed.append(f"- {where}" + (f" ({extra})" if extra else ""))
    parts.append("\n".join(listed))
    intervals = [m for log in logs for m in log.metrics if m.ci_low is not None and m.ci_high is not None]
    if intervals:
        parts.append(
            "Intervals reported by the scorecard: "
            + "; ".join(f"{m.task} {m.metric} [{m.ci_low:.4g}, {m.ci_high:.4g}]" for m in intervals)
            + "."
        )
    return parts


def _how_to_use(answers: CardAnswers, facts: CheckpointFacts | None) -> str:
    if answers.how_to_use:
        return answers.how_to_use.strip()
    if facts is not None and facts.kind == "hub" and facts.architectures:
        return (
            "Not provided by the authors. A causal language model with a transformers class loads with:\n\n"
            "```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
            f'tokenizer = AutoTokenizer.from_pretrained("{facts.name}")\n'
            f'model = AutoModelForCausalLM.from_pretrained("{facts.name}")\n```'
        )
    return NOT_PROVIDED


def _technical(facts: CheckpointFacts | None, serving: list[ServingEstimate], assumptions: list[str]) -> list[str]:
    parts = ["## Technical specifications"]
    if facts is None:
        return [*parts, NOT_PROVIDED]
    f = facts
    shape = [
        ["model_type", f.architecture], ["Layers", f.layers], ["Hidden size", f.hidden], ["Attention heads", f.heads],
        ["KV heads", f.kv_heads], ["Head dim", f.head_dim], ["MLP width", f.intermediate], ["Vocabulary", f.vocab],
        ["Routed experts", f.experts], ["Experts per token", f.experts_per_token],
        ["Context length (tokens)", f.context_length], ["Tied embeddings", f.tied_embeddings],
        ["Tokenizer", f.tokenizer_class],
    ]  # fmt: skip
    parts += ["### Architecture", _table(["Property", "Value"], [row for row in shape if row[1] is not None])]
    if f.stored_elements_by_dtype:
        rows = [[dtype, f"{n:,}"] for dtype, n in sorted(f.stored_elements_by_dtype.items(), key=lambda kv: -kv[1])]
        parts += ["### Stored elements by dtype", _table(["dtype", "elements"], rows)]
    if f.notes:
        parts.append("\n".join(f"- {note}" for note in f.notes))
    if f.files:
        rows = [[file.name, f"{file.bytes:,}", f"`{file.sha256}`" if file.sha256 else None] for file in f.files]
        parts += ["### Files", _table(["File", "Bytes", "SHA-256"], rows)]
    parts.append("### Serving (roofline estimate)")
    if serving:
        rows = [
            [s.gpu_name, si(s.weight_bytes, "B"), si(s.kv_bytes_per_sequence, "B"), si(s.memory_capacity_bytes, "B"),
             "yes" if s.fits_one_gpu else "no", f"{s.decode_tokens_per_s:,.1f}"]
            for s in serving
        ]  # fmt: skip
        first = serving[0]
        parts.append(
            f"Weights at {first.weights_format}, one sequence of {first.context_tokens:,} tokens, batch 1. Decode "
            "speed is the memory-bandwidth roofline, an upper bound; memory counts weights and KV cache only "
            "(the VRAM calculator, `roofline vram`, adds activations, workspace and fragmentation). GB = 10^9 bytes."
        )
        parts.append(_table(["GPU", "Weights", "KV cache", "GPU memory", "Fits one GPU", "Decode tokens/s ≤"], rows))
        parts += ["#### Assumptions", "\n".join(f"- {a}" for a in assumptions)]
    else:
        parts.append("\n".join(f"- {a}" for a in assumptions) or "Not estimated: no config.json to describe the model.")
    return parts


def _about(facts: CheckpointFacts | None, logs: list[EvalLog], missing: list[str]) -> str:
    source = f"`{facts.source}`" if facts else "no checkpoint"
    logs_text = ", ".join(f"`{log.source}`" for log in logs) or "no eval logs"
    text = f"Generated by Roofline {roofline.__version__} (`roofline card`) from {source} and {logs_text}."
    if missing:
        text += " Not provided: " + ", ".join(missing) + "."
    return text
