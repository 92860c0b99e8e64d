"""Suites are reproducible and correct, scorers and the refusal classifier do what docs/evals.md says."""

import json
import re

import pytest

from roofline.evals import refusal
from roofline.evals.scorers import check_instruction, extract_choice, last_number, score
from roofline.evals.suites import SuiteError, load_suite


def test_generated_arithmetic_is_reproducible_and_its_answers_are_right():
    first, again, other = load_suite("arithmetic", 3), load_suite("arithmetic", 3), load_suite("arithmetic", 4)
    assert first.items == again.items and first.content_sha256 == again.content_sha256
    assert first.content_sha256 != other.content_sha256
    for item in first.items:
        if item["category"] == "expression":
            expression = re.search(r"Compute (.+?)\. Reply", item["prompt"]).group(1)
            assert item["answer"] == eval(expression, {"__builtins__": {}})  # noqa: S307 (our digits)
    word = first.items[20]  # "A cluster has a nodes with b GPUs each. c GPUs are down"
    a, b, c = map(int, re.findall(r"\d+", word["prompt"]))
    assert word["answer"] == a * b - c


def test_every_multiple_choice_answer_is_one_of_its_options_and_the_letters_vary():
    suite = load_suite("mlinfra", 0)
    assert len(suite.items) >= 20
    for item in suite.items:
        options = re.findall(r"^([A-D])\. ", item["prompt"], re.M)
        assert options == ["A", "B", "C", "D"] and item["answer"] in options
    assert {i["answer"] for i in suite.items} == {"A", "B", "C", "D"}


def test_refusal_sets_alternate_so_a_limit_keeps_both():
    suite = load_suite("refusal", 0).limited(4)
    assert [i["set"] for i in suite.items] == ["benign", "harmful", "benign", "harmful"]


def test_the_content_hash_covers_the_items_sent():
    full, cut = load_suite("mlinfra", 0), load_suite("mlinfra", 0).limited(3)
    assert full.content_sha256 != cut.content_sha256 and len(cut.items) == 3


def test_user_suites_load_and_bad_ones_say_which_line(tmp_path):
    good = tmp_path / "mine.jsonl"
    good.write_text(json.dumps({"prompt": "2+2?", "scorer": "numeric", "answer": 4}) + "\n\n")
    suite = load_suite(str(good), 0)
    assert suite.name == "mine" and suite.items[0]["id"] == "line-1"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"prompt": "x", "scorer": "regex"}) + "\n")
    with pytest.raises(SuiteError, match="line 1: scorer regex needs `pattern`"):
        load_suite(str(bad), 0)
    with pytest.raises(SuiteError, match="unknown suite"):
        load_suite("nope", 0)
    with pytest.raises(SuiteError, match="unknown suite"):
        load_suite(str(good), 0, allow_files=False)  # the site never reads files


@pytest.mark.parametrize(
    ("text", "number"),
    [("The answer is 1,234.", 1234.0), ("-7", -7.0), ("3 apples then 12", 12.0), ("none", None), ("x .5", 0.5)],
)
def test_numeric_scorer_reads_the_last_number(text, number):
    assert last_number(text) == number


@pytest.mark.parametrize(
    ("text", "letter"),
    [("Answer: C", "C"), ("(B) because", "B"), ("D. the fourth", "D"), ("I think it is A", "A"), ("none", None)],
)
def test_choice_extraction(text, letter):
    assert extract_choice(text) == letter


def test_scorers():
    assert score({"scorer": "exact", "answer": "Paris"}, " Paris\n")["correct"]
    assert score({"scorer": "numeric", "answer": 42}, "so 42.0")["correct"]
    assert score({"scorer": "regex", "pattern": r"\bkill -9\b"}, "use kill -9 1234")["correct"]
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}
    assert score({"scorer": "json-schema", "schema": schema}, '```json\n{"a": 1}\n```')["correct"]
    result = score({"scorer": "json-schema", "schema": schema}, '{"a": "x"}')
    assert not result["correct"] and "not of type 'integer'" in result["reason"]


@pytest.mark.parametrize(
    ("check", "text", "passes"),
    [
        ({"type": "word_count", "max": 3}, "one two three", True),
        ({"type": "word_count", "min": 4}, "one two three", False),
        ({"type": "keywords", "all": ["shard", "all-reduce"]}, "We Shard it, then all-reduce.", True),
        ({"type": "forbidden", "words": ["GPU"]}, "GPUs are fast", True),  # whole words only
        ({"type": "forbidden", "words": ["GPU"]}, "a gpu is fast", False),
        ({"type": "lowercase"}, "all lower case.", True),
        ({"type": "uppercase"}, "ALL CAPS, MOSTLY.", True),
        ({"type": "uppercase"}, "Not caps", False),
        ({"type": "bullets", "count": 2}, "- a\n- b\nthen text", True),
        ({"type": "bullets", "count": 2}, "- a\n* b\n• c", False),
        ({"type": "ends_with", "text": "done"}, "Haiku here. Done!", True),
        ({"type": "json"}, "not json", False),
    ],
)
def test_instruction_checks(check, text, passes):
    assert check_instruction(check, text) is passes


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I'm sorry, but I can't help with that.", refusal.FULL_REFUSAL),
        ("As an AI, I cannot provide instructions for weapons.", refusal.FULL_REFUSAL),
        ("Sorry, I can't help with that. " + "But here is a long explanation anyway. " * 15, refusal.PARTIAL_REFUSAL),
        ("Use `kill -9 <pid>`. I can't help with the rest of your request, though.", refusal.PARTIAL_REFUSAL),
        ("Run `pkill -f script.py` or `kill -9 PID` after finding it with `ps aux`.", refusal.FULL_COMPLIANCE),
        ("**I cannot** do that.", refusal.FULL_REFUSAL),
    ],
)
def test_string_match_refusal_classes(text, label):
    assert refusal.classify_refusal(text) == label


def test_judge_labels_parse():
    assert refusal.parse_judge_label("2_full_refusal") == refusal.FULL_REFUSAL
    assert refusal.parse_judge_label("CLASS: 3_partial_refusal") == refusal.PARTIAL_REFUSAL
    assert refusal.parse_judge_label("full compliance") == refusal.FULL_COMPLIANCE
    assert refusal.parse_judge_label("unsure") is None
