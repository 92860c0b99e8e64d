"""The entry point: run a model once over a text (and once over the induction probe), reduce each attention
layer's weights to per-head metrics the moment the layer has run, and return plain data."""

import time
from collections.abc import Callable
from inspect import signature

import torch

from roofline.attention.capture import AttentionSite, attention_sites, captured
from roofline.attention.errors import AttentionError
from roofline.attention.inplace import CHECK_TOKENS, NAME, choose_attention
from roofline.attention.labels import THRESHOLDS, head_labels
from roofline.attention.loading import LoadedModel, load_model
from roofline.attention.masks import allowed_keys, describe_mask
from roofline.attention.metrics import (
    FORBIDDEN_TOLERANCE,
    SINK_EPSILON,
    SINK_MIN_QUERY_FRACTION,
    SINK_UNIFORM_MULTIPLE,
    SequencePatterns,
    head_metrics,
    induction_scores,
    layer_geometry,
    sequence_patterns,
    thumbnail,
)
from roofline.attention.probe import probe_token_ids
from roofline.attention.request import AttentionRequest
from roofline.attention.result import AttentionResult, HeadMatrix, encode_thumbnail

Progress = Callable[[float, str], None]

SOURCES = {
    "sink α_k, ε = 0.3": "Gu et al. 2024, When Attention Sink Emerges in Language Models (arXiv:2410.10781), §3",
    "attention sinks": "Xiao et al. 2023, Efficient Streaming Language Models with Attention Sinks (arXiv:2309.17453)",
    "induction probe and stripe": "Olsson et al. 2022, In-context Learning and Induction Heads; TransformerLens "
    "head_detector (induction, previous_token, duplicate_token patterns)",
    "normalised entropy": "Clark et al. 2019, What Does BERT Look At? (arXiv:1906.04341), §3: entropy of each "
    "query's attention; here divided by log(keys the query may see)",
}


def _max_positions(config) -> int | None:
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    for name in ("max_position_embeddings", "n_positions"):
        value = getattr(text, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _token_strings(tokenizer, ids: list[int]) -> list[str]:
    return [tokenizer.convert_tokens_to_string([t]) for t in tokenizer.convert_ids_to_tokens(ids)]


class _Inspection:
    """State of one run: the sequences, the per-layer records and the progress over every layer of both passes."""

    def __init__(self, request: AttentionRequest, loaded: LoadedModel, progress: Progress):
        self.request, self.loaded, self.report = request, loaded, progress
        self.tokenizer, self.config = loaded.tokenizer, loaded.config
        self.encoder_decoder = bool(getattr(self.config, "is_encoder_decoder", False))
        self.sites = attention_sites(loaded.model, self.encoder_decoder)
        if not self.sites:
            raise AttentionError(
                f"{loaded.model_id} ({type(loaded.model).__name__}) has no attention modules that return attention "
                "weights: the inspector needs a transformer with softmax attention (GPT-2, Llama, BERT, T5...)"
            )
        self.kv_heads = getattr(self.config.get_text_config(), "num_key_value_heads", None)
        self.wanted = {(h.stack or self.sites[0].stack, h.layer, h.head) for h in request.heads}
        self.layers: list[dict] = []
        self.heads: list[dict] = []
        self.matrices: list[HeadMatrix] = []
        self.done = 0
        self.passes = 1 if request.probe else 2

    def encode(self, ids: list[int]) -> dict:
        """The forward's arguments; no key/value cache (it would hold every layer's keys and values)."""
        device = self.loaded.device
        inputs = {"input_ids": torch.tensor([ids], device=device)}
        if "use_cache" in signature(self.loaded.model.forward).parameters:
            inputs["use_cache"] = False
        if self.encoder_decoder:
            inputs["decoder_input_ids"] = torch.tensor([self.decoder_ids(ids)], device=device)
        return inputs

    def decoder_ids(self, ids: list[int]) -> list[int]:
        """Teacher forcing on the text itself: [decoder start] + the text without its last token."""
        start = getattr(self.config, "decoder_start_token_id", None)
        start = start if start is not None else self.config.pad_token_id
        return [start] + ids[:-1]

    def step(self, site: AttentionSite, what: str) -> None:
        self.done += 1
        fraction = 0.3 + 0.7 * self.done / (len(self.sites) * self.passes)
        self.report(fraction, f"{what}: {site.stack} layer {site.layer + 1} of {self._stack_size(site.stack)}")

    def _stack_size(self, stack: str) -> int:
        return sum(1 for s in self.sites if s.stack == stack)

    def decide_attention(self) -> None:
        """Decide once per loaded model whether it runs with in-place attention (inplace.py)."""
        if self.loaded.attention is not None:
            return
        vocab = self.loaded.model.get_input_embeddings().num_embeddings
        length = min(CHECK_TOKENS, _max_positions(self.config) or CHECK_TOKENS)
        ids = probe_token_ids(self.tokenizer, vocab, CHECK_TOKENS // 2, seed=0)[:length]

        def run(model) -> list:
            tensors: list = []
            with captured(self.sites, lambda site, weights, mask: tensors.append(weights.clone())):
                output = model(**self.encode(ids))
            return [*tensors, output[0]]

        self.report(0.3, "Checking in-place attention against the model's eager attention")
        self.loaded.attention = choose_attention(self.loaded.model, run)

    def forward(self, ids: list[int], consume) -> None:
        try:
            with torch.no_grad(), captured(self.sites, consume):
                self.loaded.model(**self.encode(ids))
        except torch.OutOfMemoryError:
            raise AttentionError(
                f"out of memory at {len(ids)} tokens on {self.loaded.device}: inspect a shorter text"
            ) from None

    def patterns(self, ids: list[int]) -> dict[str, SequencePatterns]:
        """Each stack's index sets of the sequence `ids`, on the model's device (the metrics are computed where the
        weights are)."""
        special = set(self.tokenizer.all_special_ids)
        self_patterns = sequence_patterns(ids, special).to(self.loaded.device)
        patterns = {"self": self_patterns, "encoder": self_patterns}
        if self.encoder_decoder:
            patterns["decoder"] = sequence_patterns(self.decoder_ids(ids), special).to(self.loaded.device)
        return patterns

    def inspect_view(self, ids: list[int]) -> None:
        """The main pass: every metric of every head on the inspected sequence."""
        patterns = self.patterns(ids)
        request = self.request

        def consume(site: AttentionSite, weights: torch.Tensor, mask) -> None:
            w = weights[0]  # [H, Tq, Tk] on the model's device
            n_heads, tq, tk = w.shape
            allowed = allowed_keys(mask, tq, tk)
            info = describe_mask(allowed)
            geometry = layer_geometry(allowed.to(w.device), causal_queries=info.kind in ("causal", "sliding"))
            thumbs = thumbnail(w, request.thumbnail_size).cpu()
            detail = thumbnail(w, request.detail_size).cpu() if request.detail_size else None
            forbidden_max = 0.0
            for h in range(n_heads):
                metrics = head_metrics(w[h], geometry, patterns.get(site.stack))
                forbidden_max = max(forbidden_max, metrics["forbidden_mass"])
                group = h * self.kv_heads // n_heads if self.kv_heads and self.kv_heads < n_heads else h
                self.heads.append({
                    "stack": site.stack, "layer": site.layer, "head": h, "kv_group": group,
                    "induction": None, **metrics, "thumbnail": encode_thumbnail(thumbs[h]),
                })  # fmt: skip
                if (site.stack, site.layer, h) in self.wanted:
                    full = w[h].to("cpu", torch.float32, copy=True)
                    self.matrices.append(HeadMatrix(site.stack, site.layer, h, full, pooled=False))
                elif detail is not None:
                    pooled = detail.shape[-2:] != w.shape[-2:]
                    self.matrices.append(HeadMatrix(site.stack, site.layer, h, detail[h].clone(), pooled=pooled))
            self.layers.append({
                "stack": site.stack, "layer": site.layer, "module": site.name, "heads": n_heads,
                "queries": tq, "keys": tk, "mask": info.to_dict(), "forbidden_mass": forbidden_max,
                "mask_ok": forbidden_max <= FORBIDDEN_TOLERANCE,
            })  # fmt: skip
            self.step(site, "Inspecting")

        self.forward(ids, consume)

    def inspect_probe(self, ids: list[int]) -> dict:
        """The probe pass: induction score of each head on BOS + block + block."""
        patterns = self.patterns(ids)
        scores: dict = {}

        def consume(site: AttentionSite, weights: torch.Tensor, mask) -> None:
            if site.stack in patterns:
                for h, score in enumerate(induction_scores(weights[0], patterns[site.stack])):
                    scores[(site.stack, site.layer, h)] = score
            self.step(site, "Induction probe")

        self.forward(ids, consume)
        return scores


def _check_length(ids: list[int], max_tokens: int, config, model_id: str, what: str = "the text") -> None:
    if not ids:
        raise AttentionError(f"{what} has no tokens: give some text")
    if len(ids) > max_tokens:
        raise AttentionError(f"{what} is {len(ids):,} tokens, over the limit of {max_tokens:,}: shorten it")
    limit = _max_positions(config)
    if limit and len(ids) > limit:
        raise AttentionError(f"{what} is {len(ids):,} tokens, more than {model_id} takes ({limit:,} positions)")


def inspect_attention(
    request: AttentionRequest, progress: Progress | None = None, loaded: LoadedModel | None = None
) -> AttentionResult:
    """Inspect every attention head of `request.model` on `request.text` (or the probe). `loaded`: a model already
    loaded (the worker's cache) to use instead of loading `request.model`."""
    report = progress or (lambda fraction, message: None)
    started = time.perf_counter()
    if loaded is None:
        loaded = load_model(
            request.model, dtype=request.dtype, device=request.device, revision=request.revision,
            trust_remote_code=request.trust_remote_code, progress=report,
        )  # fmt: skip
    loaded_at = time.perf_counter()
    with loaded.lock:  # the hooks sit on shared modules: a second inspection of this model waits
        run, ids, probe_ids = _run(request, loaded, report)
    finished = time.perf_counter()
    return _result(request, loaded, run, ids, probe_ids, loaded_at - started, finished - loaded_at)


def _run(request: AttentionRequest, loaded: LoadedModel, report: Progress) -> tuple:
    run = _Inspection(request, loaded, report)
    vocab = loaded.model.get_input_embeddings().num_embeddings
    probe_ids = probe_token_ids(loaded.tokenizer, vocab, request.probe_block, request.seed)
    ids = probe_ids if request.probe else loaded.tokenizer(request.text, add_special_tokens=True)["input_ids"]
    _check_length(ids, request.max_tokens, loaded.config, request.model)
    _check_length(probe_ids, 1 << 30, loaded.config, request.model, what="the probe (make --probe-block smaller)")
    run.decide_attention()
    run.inspect_view(ids)
    if request.probe:
        for head in run.heads:
            head["induction"] = head["induction_text"] if head["stack"] != "cross" else None
    else:
        scores = run.inspect_probe(probe_ids)
        for head in run.heads:
            head["induction"] = scores.get((head["stack"], head["layer"], head["head"]))
    for head in run.heads:
        head["labels"] = head_labels(head)
        head["label"] = head["labels"][0] if head["labels"] else None
    return run, ids, probe_ids


def _result(request, loaded, run: _Inspection, ids, probe_ids, load_s: float, inspect_s: float) -> AttentionResult:
    tokenizer, config = loaded.tokenizer, loaded.config
    stacks = []
    for name in dict.fromkeys(site.stack for site in run.sites):
        layer = next(item for item in run.layers if item["stack"] == name)
        stacks.append({"name": name, "layers": run._stack_size(name), "heads": layer["heads"]})
    decoder_ids = run.decoder_ids(ids) if run.encoder_decoder else None
    return AttentionResult(
        request=request.model_dump(mode="json"),
        model={
            "id": loaded.model_id,
            "class": type(loaded.model).__name__,
            "model_type": getattr(config, "model_type", None),
            "encoder_decoder": run.encoder_decoder,
            "kv_heads": run.kv_heads,
            "parameters": sum(p.numel() for p in loaded.model.parameters()),
            "dtype": loaded.dtype,
            "device": loaded.device,
            "attention": loaded.attention.to_dict(),
        },
        tokens=_token_strings(tokenizer, ids),
        token_ids=ids,
        decoder_tokens=_token_strings(tokenizer, decoder_ids) if decoder_ids else None,
        decoder_token_ids=decoder_ids,
        probe={"block": request.probe_block, "seed": request.seed, "token_ids": probe_ids, "inspected": request.probe},
        stacks=stacks,
        layers=run.layers,
        heads=run.heads,
        matrices=run.matrices,
        thresholds={label: {"metric": metric, "at_least": value} for label, (metric, value) in THRESHOLDS.items()},
        assumptions=[
            "Weights are those the model's eager attention returns (attn_implementation='eager'), batch of one"
            + (
                f", computed in place: {loaded.attention.reason}."
                if loaded.attention.implementation == NAME
                else f"; {loaded.attention.reason}."
            ),
            f"Sink tokens: keys whose α_k > ε = {SINK_EPSILON}, counting only keys that at least "
            f"{SINK_MIN_QUERY_FRACTION:.0%} of the queries may see and whose α_k is at least "
            f"{SINK_UNIFORM_MULTIPLE:g}× what uniform attention would give them.",
            "induction: mean attention on the stripe of the repeated random-token probe "
            f"(BOS + {request.probe_block} random tokens + the same tokens, seed {request.seed}); induction_text: "
            "the same pattern on the inspected text (None when no token repeats).",
            f"A layer is flagged when attention mass above {FORBIDDEN_TOLERANCE:g} falls where its mask forbids it.",
            "Thumbnails and pooled matrices keep the largest weight of each block (max-pooling).",
        ]
        + (["Decoder input: [decoder start] + the text without its last token."] if run.encoder_decoder else []),
        sources=SOURCES,
        seconds={"load": load_s, "inspect": inspect_s},
    )
