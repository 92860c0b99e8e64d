"""Generated arithmetic and multi-step word problems with exact integer answers (scorer `numeric`)."""

import operator
import random

VERSION = "1"
DESCRIPTION = "20 integer expressions and 20 multi-step word problems generated from the seed; exact answers."
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul}
SUFFIX = " Reply with the final number only."

WORD_PROBLEMS = [
    (
        "A cluster has {a} nodes with {b} GPUs each. {c} GPUs are down for repair. How many GPUs are working?",
        lambda a, b, c: a * b - c,
    ),
    (
        "A server answers {a} requests per second for {b} seconds, then {c} requests per second for {b} seconds. "
        "How many requests did it answer in total?",
        lambda a, b, c: a * b + c * b,
    ),
    (
        "Each prompt has {a} tokens and each answer {b} tokens. How many tokens do {c} requests use in total?",
        lambda a, b, c: (a + b) * c,
    ),
    (
        "A job keeps {a} checkpoints of {b} GB each and {c} log files of 1 GB each. How many GB does it store?",
        lambda a, b, c: a * b + c,
    ),
    (
        "A team trains {a} models a week for {b} weeks; {c} of them fail. How many models finished?",
        lambda a, b, c: a * b - c,
    ),
]


def generate(seed: int) -> list[dict]:
    """40 items; the same seed always gives the same items (Python's Mersenne Twister, `random.Random`)."""
    rng = random.Random(seed)  # noqa: S311 (not security)
    items = []
    for i in range(20):
        a, b, c = rng.randint(2, 99), rng.randint(2, 99), rng.randint(2, 99)
        op1, op2 = rng.choice("+-*"), rng.choice("+-")
        expression = f"{a} {op1} {b} {op2} {c}"
        answer = OPS[op2](OPS[op1](a, b), c)  # op2 is + or -, so left to right is the usual precedence
        items.append({"id": f"expr-{i:02d}", "prompt": f"Compute {expression}." + SUFFIX, "scorer": "numeric",
                      "answer": answer, "category": "expression"})  # fmt: skip
    for i in range(20):
        template, solve = WORD_PROBLEMS[i % len(WORD_PROBLEMS)]
        a, b, c = rng.randint(3, 40), rng.randint(2, 30), rng.randint(1, 20)
        items.append({"id": f"word-{i:02d}", "prompt": template.format(a=a, b=b, c=c) + SUFFIX, "scorer": "numeric",
                      "answer": solve(a, b, c), "category": "word_problem"})  # fmt: skip
    return items
