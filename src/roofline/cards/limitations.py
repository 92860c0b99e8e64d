"""Limitations a card can state from facts alone: the weakest evaluated tasks, refusal rates, small or partial
eval runs, the context length, quantisation and a missing chat template. Each is a sentence with its number."""

from roofline.cards.eval_logs import EvalLog
from roofline.cards.facts import CheckpointFacts

# metrics on a 0..1 scale where higher is better: the ones "weakest task" compares
HIGHER_IS_BETTER = {"acc", "acc_norm", "exact_match", "accuracy", "f1", "mc1", "mc2", "em", "pass@1", "score", "mean"}
SMALL_N = 100  # below this many items a score's 95% interval is wider than about ±0.1 at p = 0.5
WEAKEST = 3


def derived_limitations(facts: CheckpointFacts | None, logs: list[EvalLog]) -> list[str]:
    notes: list[str] = []
    scored = [
        (m.value, m, log.source) for log in logs for m in log.metrics
        if m.metric in HIGHER_IS_BETTER and 0 <= m.value <= 1 and m.task != "refusal"
    ]  # fmt: skip
    if len(scored) > 1:
        weakest = sorted(scored, key=lambda item: item[0])[:WEAKEST]
        listed = "; ".join(f"{m.task} {m.metric} {_value(m.value, m.stderr)}" for _, m, _ in weakest)
        notes.append(f"Weakest evaluated tasks (lowest scores among {len(scored)} results on a 0–1 scale): {listed}.")
    for log in logs:
        for m in log.metrics:
            if m.task == "refusal":
                label = "over-refusal (refuses acceptable requests)" if m.metric.startswith("over") else (
                    "under-refusal (complies with requests it should refuse)"
                )  # fmt: skip
                notes.append(f"Refusal: {label} rate {m.value:.3g} in {log.source}.")
        small = sorted({m.task for m in log.metrics if m.n is not None and m.n < SMALL_N and m.task != "refusal"})
        if small:
            notes.append(
                f"{log.source}: {', '.join(small)} scored on fewer than {SMALL_N} items: the scores are uncertain "
                "(see the ± column)."
            )
        notes.extend(f"{log.source}: {note}" for note in log.notes)
    if facts is not None:
        if facts.context_length:
            notes.append(
                f"Context window: {facts.context_length:,} tokens (the configured maximum); longer inputs must be "
                "truncated, and quality near the limit is not shown by these evaluations."
            )
        if facts.quantization:
            notes.append(
                f"Quantised weights ({facts.quantization}): outputs can differ from the full-precision model; the "
                "evaluations describe this checkpoint only if they were run on it."
            )
        if facts.chat_template is False:
            notes.append("No chat template ships with the tokenizer: chat use needs one supplied by the user.")
    return notes


def _value(value: float, stderr: float | None) -> str:
    return f"{value:.4g} ± {stderr:.2g}" if stderr is not None else f"{value:.4g}"
