"""The memory timeline of one training step on the busiest GPU: forward, loss, backward layer by layer, and the
optimizer step, with the peak and the phase it falls in."""

from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from roofline.modelspec import ModelSpec
from roofline.vram.activations import CUDA, FP32, MLP_ITEMS, KernelRules, head_items, layer_items, loss_bytes_per_token
from roofline.vram.request import VramRequest
from roofline.vram.states import ModelStates, model_states, sharding_of
from roofline.vram.traits import Traits


@dataclass
class Point:
    """Memory at one moment of the step, by category (bytes per GPU)."""

    phase: str  # "forward", "backward" or "optimizer step"
    moment: str
    parts: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.parts.values())


@dataclass
class TrainingMemory:
    peak: Point
    points: list[Point]
    states: ModelStates
    formulas: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _split(item, tp: int, sp: bool) -> float:
    return item.bytes_per_token / tp if (item.tp_split or sp) else item.bytes_per_token


def training_memory(spec: ModelSpec, traits: Traits, request: VramRequest, rules: KernelRules = CUDA) -> TrainingMemory:
    """Per-GPU memory through one training step of `request` (the tensor memory PyTorch allocates)."""
    states = model_states(spec, request)
    a = 4 if request.param_dtype == "fp32" and not request.mixed_precision else 2
    tokens = request.batch * request.seq
    tp, sp, pp = request.tp, request.sequence_parallel, request.pp
    eager = request.attention == "eager"
    dropout = request.dropout if request.dropout is not None else (traits.dropout_attn > 0 or traits.dropout_hidden > 0)
    sparse = set(spec.moe.sparse_layers) if spec.moe else set()
    layers = range(-(-spec.n_layers // pp))  # the busiest pipeline stage: ceil(L / pp) layers

    @cache
    def layer_bytes(is_sparse: bool) -> tuple[float, float, float]:
        """(saved bytes, S×S score bytes, bytes freed once the MLP half is differentiated) of one layer."""
        items = layer_items(spec, traits, a, request.seq, eager, rules, dropout, is_sparse)
        total = tokens * sum(_split(item, tp, sp) for item in items)
        scores = tokens * sum(_split(item, tp, sp) for item in items if item.name.startswith("score matrix"))
        second_half = sum(
            _split(item, tp, sp) * (0.5 if item.name in ("norms", "residual dropout masks") else 1)
            for item in items if item.name in MLP_ITEMS or item.name in ("norms", "residual dropout masks")
        )  # fmt: skip
        return total, scores, tokens * second_half

    per_layer = [layer_bytes(i in sparse) for i in layers]
    full = [saved for saved, _, _ in per_layer]
    hidden_input = a * spec.hidden * tokens / (tp if sp else 1)
    if request.checkpointing == "full":  # each layer keeps its input; one layer is recomputed at a time
        kept = [hidden_input for _ in full]
    elif request.checkpointing == "selective":  # Korthikanti et al.: the attention core (S×S) is recomputed
        kept = [saved - scores for saved, scores, _ in per_layer]
    else:
        kept = full
    head = tokens * sum(_split(item, tp, sp) for item in head_items(spec, traits, a, rules, dropout))
    loss_fwd, loss_bwd = (tokens * x / tp for x in loss_bytes_per_token(spec, traits, a))
    in_flight = pp  # 1F1B: the first stage holds pp micro-batches' activations (Narayanan et al. 2021)
    head_params = spec.vocab * spec.hidden
    tables = 0 if request.lora_rank else head_params * (1 if spec.tied_embeddings else 2)
    head_grad = states.gradients * tables / spec.params_total  # output head (and untied embedding) gradients
    layer_grad = (states.gradients - head_grad) / len(layers)
    base = {"parameters": states.parameters + states.gathered, "optimizer": states.optimizer}
    acts_total = sum(kept) * in_flight + head
    points = [
        Point("forward", "end of forward (logits and loss)", {**base, "activations": acts_total, "logits": loss_fwd}),
        Point("backward", "start of backward (loss gradient)", {**base, "activations": acts_total, "logits": loss_bwd}),
    ]
    # Backward, layer by layer from the last: the layer being differentiated is whole (recomputed under full
    # checkpointing) while its MLP half runs, with the MLP's gradient working set (the incoming hidden gradient
    # and, net of the freed down-projection input, two intermediate-width gradients); then its attention half
    # runs with the MLP half freed and the attention working set (the S×S gradients in eager, else the q/k/v/output
    # gradients). Gradients of the layers after it and of the head exist.
    mlp_work, attn_work = working_sets(spec, traits, a, request.seq, eager, tokens, tp, sp)
    below_all = list(accumulate(kept, initial=0.0))  # activations kept by the layers before each one
    # Under full checkpointing the recomputed layer's stored input stays alive beside its recomputed tensors,
    # unless its first norm saves the input itself (fp32 RMSNorm, LayerNorm): then `full` already counts it.
    upcast_copy = traits.norm != "layer" and a != FP32
    stored_input = hidden_input if request.checkpointing == "full" and upcast_copy else 0.0
    worst: dict[str, Point] = {}
    grads = head_grad
    for position in reversed(layers):
        below = below_all[position] * in_flight + (in_flight - 1) * kept[position] + stored_input  # head done
        for half, acts, layer_grads in (
            ("MLP", below + full[position] + mlp_work, grads + layer_grad / 2),
            ("attention", below + full[position] - per_layer[position][2] + attn_work, grads + layer_grad),
        ):
            total = sum(base.values()) + acts + layer_grads
            if half not in worst or total > worst[half].total:
                parts = {**base, "activations": acts, "gradients": layer_grads}
                worst[half] = Point("backward", f"layer {position} backward ({half})", parts)
        grads += layer_grad
    points += worst.values()
    end_grads = states.gradients
    tied_transient = head_grad if spec.tied_embeddings else 0.0  # the embedding's dense gradient, then summed
    points.append(Point("backward", "embedding gradient", {**base, "gradients": end_grads + tied_transient}))
    points.append(Point("optimizer step", "optimizer.step()", {
        "parameters": states.parameters, "gradients": end_grads,
        "optimizer": states.optimizer + states.step_transient,
    }))  # fmt: skip
    peak = max(points, key=lambda point: point.total)
    formulas = {
        "activations": (
            f"{len(layers)} layers × {_per_token(kept[0] / tokens)} per token on this GPU × {tokens:,} tokens"
            + {"full": f" (full checkpointing: each layer keeps its input; in backward one layer is recomputed, "
                       f"{_per_token(full[0] / tokens)} per token)",
               "selective": " (selective: the S×S attention tensors recomputed)", "none": ""}[request.checkpointing]
            + (f" × {pp} micro-batches in flight" if pp > 1 else "")
            + " + final norm and token ids; at the peak: what is alive then"
        ),
        "logits": f"{tokens:,} tokens × {spec.vocab:,} vocab × 4 B × 3 (fp32 log-softmax and two gradients)"
        + (f" ÷ tp {tp}" if tp > 1 else ""),
    }  # fmt: skip
    notes = list(states.notes)
    if request.checkpointing == "selective" and not eager:
        notes.append("Selective checkpointing recomputes the attention core; SDPA/flash keeps no S×S tensor, so "
                     "it saves nothing here.")  # fmt: skip
    if pp > 1:
        notes.append(f"Pipeline parallel: the first stage of {pp} holds {pp} micro-batches' activations (1F1B); "
                     "logits are counted there too, an upper bound for either stage.")  # fmt: skip
    if sharding_of(request).stage >= 2 and request.cpu_offload:
        notes.append("ZeRO-Offload: the optimizer step runs on the CPU (CPU memory not counted).")
    return TrainingMemory(peak, points, states, formulas, notes)


def working_sets(
    spec: ModelSpec, traits: Traits, a: int, seq: int, eager: bool, tokens: int, tp: int, sp: bool
) -> tuple[float, float]:
    """Bytes of activation gradients alive while one layer's MLP, then its attention, is differentiated."""
    h = spec.hidden * tokens * a / (tp if sp else 1)
    width = spec.moe.top_k * spec.moe.expert_intermediate if spec.moe else spec.intermediate
    mlp = h + 2 * a * width * tokens / tp  # dY, then d(act) and d(up) while d(product) lives; the product is freed
    if eager:  # gradient of the probabilities and of the scores (fp32 through a Llama-family softmax)
        score = FP32 if traits.softmax_fp32 else a
        attn = h + spec.n_heads * seq * tokens * (a + score) / tp
    else:
        attn = h + a * tokens * (2 * spec.n_heads * spec.head_dim + 2 * spec.n_kv_heads * spec.head_dim) / tp
    return mlp, attn


def _per_token(value: float) -> str:
    return f"{value:,.0f} B"
