"""Model card generator: checkpoint facts read without loading weights, eval logs (Roofline scorecard,
lm-evaluation-harness, inspect_ai), the authors' answers → a Hugging Face model card with a completeness report.

    from roofline.cards import CardRequest, generate_card
    result = generate_card(CardRequest(checkpoint="path/to/model", eval_logs=[{"name": "r.json", "path": "r.json"}]))
    result.markdown, result.completeness, result.to_dict()
"""

from roofline.cards.answers import CardAnswers, load_answers_file, load_answers_text
from roofline.cards.errors import CardError
from roofline.cards.eval_logs import EvalLog, EvalMetric, read_eval_log, read_eval_log_file
from roofline.cards.facts import CheckpointFacts, facts_from_files, read_facts
from roofline.cards.generate import CardResult, generate_card, serving_for
from roofline.cards.request import CardRequest, EvalLogInput

__all__ = [
    "CardAnswers",
    "CardError",
    "CardRequest",
    "CardResult",
    "CheckpointFacts",
    "EvalLog",
    "EvalLogInput",
    "EvalMetric",
    "facts_from_files",
    "generate_card",
    "load_answers_file",
    "load_answers_text",
    "read_eval_log",
    "read_eval_log_file",
    "read_facts",
    "serving_for",
]
