"""Eval logs read into one shape: Roofline's scorecard (`roofline.scorecard/1`), lm-evaluation-harness results
JSON, and inspect_ai logs (`.json`, and `.eval` zip archives: `header.json`, or `_journal/start.json` for a
run that has not finished). The format is recognised from the content, not the file name."""

import io
import math
import struct
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from roofline.cards.errors import CardError
from roofline.cards.jsontext import json_object

MAX_LOG_BYTES = 256 * 2**20  # 256 MiB: inspect .json logs keep every sample
MAX_MEMBER_BYTES = 64 * 2**20  # one file inside an .eval archive, uncompressed (a zip bomb stops here)
SCORECARD_SCHEMA = "roofline.scorecard/1"
ZIP_ZSTANDARD = 93  # the zip compression method inspect_ai writes with (APPNOTE 4.4.5); Python < 3.14 lacks it


@dataclass
class EvalMetric:
    task: str  # lm-eval task or group, inspect task, scorecard suite
    metric: str  # acc, exact_match, accuracy, ...
    value: float
    stderr: float | None = None  # standard error of `value`, when the log gives one
    n: int | None = None  # items scored
    shots: int | None = None  # few-shot examples per prompt
    config: str | None = None  # lm-eval filter ("strict-match") or inspect scorer ("match")
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass
class EvalLog:
    source: str  # the file name
    format: str  # "roofline-scorecard", "lm-eval", "inspect"
    model: str | None
    status: str  # "success", or the log's own status ("started", "error", "cancelled")
    metrics: list[EvalMetric] = field(default_factory=list)
    details: dict = field(default_factory=dict)  # versions, dates, content hashes, refusal rates
    notes: list[str] = field(default_factory=list)  # what a reader of the card should know (subsets, errors)

    def to_dict(self) -> dict:
        return asdict(self)


def read_eval_log_file(path: str | Path) -> EvalLog:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_LOG_BYTES:
            raise CardError(f"{path.name}: {size:,} bytes, over the {MAX_LOG_BYTES:,}-byte limit for an eval log")
        data = path.read_bytes()
    except OSError as error:
        raise CardError(f"{path}: cannot read ({error.strerror or error})") from None
    return read_eval_log(path.name, data)


def read_eval_log(name: str, data: bytes) -> EvalLog:
    """The log in `data` (the bytes of file `name`); CardError when it is none of the known formats."""
    if data[:4] == b"PK\x03\x04":
        return _inspect_archive(name, data)
    log = json_object(data, name)
    schema = log.get("schema")
    if isinstance(schema, str) and schema.startswith("roofline.scorecard/"):
        return _scorecard(name, log)
    if isinstance(log.get("results"), dict) and any(k in log for k in ("n-shot", "configs", "versions", "config")):
        return _lm_eval(name, log)
    if isinstance(log.get("eval"), dict) and "task" in log["eval"] and "status" in log:
        return _inspect(name, log)
    raise CardError(
        f"{name}: unknown eval log shape (top-level keys: {', '.join(sorted(log)[:8]) or 'none'}); expected a "
        f"Roofline scorecard (schema {SCORECARD_SCHEMA}), lm-evaluation-harness results JSON (results, n-shot, "
        "configs) or an inspect_ai log (.json or .eval)"
    )


def _number(value) -> float | None:
    """A finite real number, or None ("N/A", null, NaN, booleans)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


# Roofline scorecard -------------------------------------------------------------------------------------------


class _Metric(BaseModel):
    name: str
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    n: int
    stderr: float | None


class _Suite(BaseModel):
    name: str
    version: str
    content_sha256: str
    n_items: int
    metrics: list[_Metric]


class _Named(BaseModel):
    name: str


class _Endpoint(BaseModel):
    url: str
    api: str


class _Refusal(BaseModel):
    over_refusal_rate: float | None
    under_refusal_rate: float | None


class _Scorecard(BaseModel):
    model_config = ConfigDict(extra="allow")

    schema_: str
    model: _Named
    endpoint: _Endpoint
    suites: list[_Suite]
    refusal: _Refusal
    started_at: str
    finished_at: str
    client_version: str


def _scorecard(name: str, log: dict) -> EvalLog:
    if log["schema"] != SCORECARD_SCHEMA:
        raise CardError(
            f"{name}: scorecard schema {log['schema']!r} is not supported (this version reads {SCORECARD_SCHEMA})"
        )
    try:
        card = _Scorecard.model_validate({**log, "schema_": log["schema"]})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CardError(f"{name}: not a valid {SCORECARD_SCHEMA} scorecard: {where}: {first['msg']}") from None
    result = EvalLog(name, "roofline-scorecard", card.model.name, "success")
    for suite in card.suites:
        for m in suite.metrics:
            if _number(m.value) is None:
                result.notes.append(f"{suite.name} {m.name}: not a finite number, left out")
                continue
            result.metrics.append(
                EvalMetric(
                    suite.name,
                    m.name,
                    m.value,
                    _number(m.stderr),
                    m.n,
                    None,
                    None,
                    _number(m.ci_low),
                    _number(m.ci_high),
                )
            )
    for rate in ("over_refusal_rate", "under_refusal_rate"):
        value = _number(getattr(card.refusal, rate))
        if value is not None:
            result.metrics.append(EvalMetric("refusal", rate, value))
    result.details = {
        "endpoint": card.endpoint.model_dump(),
        "suites": {
            s.name: {"version": s.version, "content_sha256": s.content_sha256, "n_items": s.n_items}
            for s in card.suites
        },
        "refusal": card.refusal.model_dump(),
        "started_at": card.started_at,
        "finished_at": card.finished_at,
        "client_version": card.client_version,
    }
    return result


# lm-evaluation-harness ----------------------------------------------------------------------------------------


def _lm_eval_model(log: dict) -> str | None:
    config = log.get("config") if isinstance(log.get("config"), dict) else {}
    args = config.get("model_args")
    if isinstance(args, str):  # "pretrained=EleutherAI/pythia-160m,dtype=float32"
        pairs = dict(part.split("=", 1) for part in args.split(",") if "=" in part)
        args = pairs
    if isinstance(args, dict):
        for key in ("pretrained", "model", "model_name", "path"):
            if isinstance(args.get(key), str):
                return args[key]
    return log.get("model_name") if isinstance(log.get("model_name"), str) else None


def _lm_eval(name: str, log: dict) -> EvalLog:
    result = EvalLog(name, "lm-eval", _lm_eval_model(log), "success")
    n_shot = log.get("n-shot") if isinstance(log.get("n-shot"), dict) else {}
    n_samples = log.get("n-samples") if isinstance(log.get("n-samples"), dict) else {}
    configs = log.get("configs") if isinstance(log.get("configs"), dict) else {}
    for task, entry in log["results"].items():
        if not isinstance(entry, dict):
            raise CardError(f"{name}: results[{task!r}] must be an object of metrics")
        shots = _count(n_shot.get(task))
        if shots is None and isinstance(configs.get(task), dict):
            shots = _count(configs[task].get("num_fewshot"))
        samples = n_samples.get(task) if isinstance(n_samples.get(task), dict) else {}
        n = _count(samples.get("effective", samples.get("original")))
        for key, raw in entry.items():
            metric, _, filt = key.partition(",")
            if metric.endswith("_stderr") or key in ("alias", "name", "sample_len", "samples"):
                continue
            value = _number(raw)
            if value is None:
                if raw not in (None, "N/A", " ", ""):
                    result.notes.append(f"{task} {key}: {raw!r} is not a number, left out")
                continue
            stderr = _number(entry.get(f"{metric}_stderr,{filt}" if filt else f"{metric}_stderr"))
            config = filt if filt and filt != "none" else None  # lm-eval names the absent filter "none"
            result.metrics.append(EvalMetric(str(task), metric, value, stderr, n, shots, config))
    config = log.get("config") if isinstance(log.get("config"), dict) else {}
    if config.get("limit") is not None:
        result.notes.append(f"Run with limit={config['limit']}: each task scored on a subset of its items.")
    result.details = {
        k: log[k] for k in ("lm_eval_version", "git_hash", "date", "model_source", "transformers_version") if k in log
    }
    if isinstance(config.get("model"), str):
        result.details["model_type"] = config["model"]
    return result


# inspect_ai ---------------------------------------------------------------------------------------------------


def _inspect(name: str, log: dict, status: str | None = None) -> EvalLog:
    spec = log["eval"]
    if not isinstance(spec, dict) or not isinstance(spec.get("task"), str):
        raise CardError(f"{name}: an inspect_ai log's eval.task must be a string")
    task = spec["task"]
    status = status or str(log.get("status", "unknown"))
    result = EvalLog(name, "inspect", spec.get("model") if isinstance(spec.get("model"), str) else None, status)
    task_args = spec.get("task_args") if isinstance(spec.get("task_args"), dict) else {}
    shots = next((_count(task_args[k]) for k in ("fewshot", "num_fewshot", "shots") if k in task_args), None)
    results = log.get("results") if isinstance(log.get("results"), dict) else None
    if status != "success":
        message = (log.get("error") or {}).get("message") if isinstance(log.get("error"), dict) else None
        result.notes.append(
            f"inspect run {status}" + (f": {str(message).splitlines()[0][:200]}" if message else "") +
            ("" if results else "; no results recorded")
        )  # fmt: skip
    for score in (results or {}).get("scores") or []:
        if not isinstance(score, dict) or not isinstance(score.get("metrics"), dict):
            raise CardError(f"{name}: results.scores entries must hold a metrics object")
        metrics = score["metrics"]
        stderr = (
            _number((metrics.get("stderr") or {}).get("value")) if isinstance(metrics.get("stderr"), dict) else None
        )
        n = _count(score.get("scored_samples")) or _count(results.get("completed_samples"))
        for metric_name, metric in metrics.items():
            if metric_name == "stderr" or not isinstance(metric, dict):
                continue
            value = _number(metric.get("value"))
            if value is None:
                result.notes.append(f"{task} {metric_name}: {metric.get('value')!r} is not a number, left out")
                continue
            result.metrics.append(EvalMetric(task, metric_name, value, stderr, n, shots, str(score.get("name") or "")))
    dataset = spec.get("dataset") if isinstance(spec.get("dataset"), dict) else {}
    result.details = {
        k: v for k, v in {
            "task_version": spec.get("task_version"), "created": spec.get("created"), "dataset": dataset.get("name"),
            "dataset_samples": dataset.get("samples"), "inspect_version": (spec.get("packages") or {}).get("inspect_ai")
            if isinstance(spec.get("packages"), dict) else None, "log_format_version": log.get("version"),
        }.items() if v is not None
    }  # fmt: skip
    if (
        results
        and _count(results.get("total_samples"))
        and results.get("completed_samples") != results.get("total_samples")
    ):
        result.notes.append(f"{results.get('completed_samples')} of {results['total_samples']} samples completed.")
    return result


def _inspect_archive(name: str, data: bytes) -> EvalLog:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
            if "header.json" in members:
                return _inspect(name, _member(archive, "header.json", name))
            if "_journal/start.json" in members:
                start = _member(archive, "_journal/start.json", name)
                if not isinstance(start.get("eval"), dict):
                    raise CardError(f"{name}: _journal/start.json has no eval object")
                return _inspect(name, {**start, "status": "started"}, status="started")
    except (zipfile.BadZipFile, NotImplementedError, EOFError, struct.error) as error:
        raise CardError(f"{name}: a damaged or unsupported zip archive ({error})") from None
    raise CardError(f"{name}: a zip archive without header.json or _journal/start.json: not an inspect_ai .eval log")


def _member(archive: zipfile.ZipFile, member: str, name: str) -> dict:
    info = archive.getinfo(member)
    if info.file_size > MAX_MEMBER_BYTES:
        raise CardError(f"{name}: {member} would unpack to {info.file_size:,} bytes, over {MAX_MEMBER_BYTES:,}")
    if info.compress_type == ZIP_ZSTANDARD:
        raw = _zstd_member(archive, info)
    else:
        with archive.open(info) as file:
            raw = file.read(MAX_MEMBER_BYTES + 1)
    if len(raw) > MAX_MEMBER_BYTES:
        raise CardError(f"{name}: {member} unpacks to more than {MAX_MEMBER_BYTES:,} bytes")
    return json_object(raw, f"{name}: {member}")


def _zstd_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A zstd-compressed member, decompressed with `zstandard` (at most MAX_MEMBER_BYTES + 1 bytes)."""
    import zstandard

    archive.fp.seek(info.header_offset)
    local = archive.fp.read(30)  # the local file header: signature ... name length (26), extra length (28)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    archive.fp.seek(info.header_offset + 30 + name_length + extra_length)
    compressed = archive.fp.read(info.compress_size)
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(compressed)) as reader:
            return reader.read(MAX_MEMBER_BYTES + 1)
    except zstandard.ZstdError as error:
        raise zipfile.BadZipFile(f"{info.filename}: {error}") from None
