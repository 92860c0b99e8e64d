"""Find a model's attention modules the way transformers' own `output_attentions` does (each sub-model's
`_can_record_outputs`), and hook them so each layer's weights are handed to a callback and then dropped."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from roofline.attention.errors import AttentionError

ATTENTION_KEYS = ("attentions", "cross_attentions")


@dataclass(frozen=True)
class AttentionSite:
    """One attention module: its stack ("self" in a decoder-only or encoder-only model; "encoder", "decoder",
    "cross" in an encoder-decoder), layer index within the stack, module name, and where its output holds the
    weights."""

    stack: str
    layer: int
    name: str
    module: object
    index: int


def _specs(model) -> list[tuple[str, object]]:
    """(key, OutputRecorder) pairs of one sub-model, normalised as transformers normalises them."""
    from transformers.utils.output_capturing import OutputRecorder

    tasks = []
    for key, specs in (getattr(type(model), "_can_record_outputs", None) or {}).items():
        if key not in ATTENTION_KEYS:
            continue
        for spec in specs if isinstance(specs, list) else [specs]:
            if not isinstance(spec, OutputRecorder):
                spec = OutputRecorder(
                    target_class=None if isinstance(spec, str) else spec, index=1,
                    class_name=spec if isinstance(spec, str) else None,
                )  # fmt: skip
            tasks.append((key, spec))
    return tasks


def _matches(spec, module, name: str) -> bool:
    hit = (spec.target_class is not None and isinstance(module, spec.target_class)) or (
        spec.class_name is not None and name.endswith(spec.class_name)
    )
    if hit and spec.layer_name is not None:
        hit = "." + spec.layer_name.strip(".") + "." in name + "."
    return hit


def _walk(module, name: str, tasks, found: list, owner: str) -> None:
    from transformers import PreTrainedModel

    for child_name, child in module.named_children():
        full = f"{name}.{child_name}"
        if isinstance(child, PreTrainedModel):
            _walk(child, full, _specs(child), found, owner=full)
        else:
            _walk(child, full, tasks, found, owner)
    for key, spec in tasks:
        if _matches(spec, module, name):
            found.append((key, owner, name, module, spec.index))


def attention_sites(model, encoder_decoder: bool) -> list[AttentionSite]:
    """Every attention module in execution order within each stack, labelled with its stack and layer."""
    found: list = []
    _walk(model, "", _specs(model), found, owner="")
    sites, counts = [], {}
    for key, owner, name, module, index in found:
        if key == "cross_attentions":
            stack = "cross"
        elif encoder_decoder:
            stack = "encoder" if "encoder" in owner.rsplit(".", 1)[-1] else "decoder"
        else:
            stack = "self"
        if stack == "cross" and not encoder_decoder:
            continue  # a decoder-only model's optional cross-attention (GPT-2 add_cross_attention) is not run
        layer = counts.get(stack, 0)
        counts[stack] = layer + 1
        sites.append(AttentionSite(stack, layer, name.lstrip("."), module, index))
    return sites


Consumer = Callable[[AttentionSite, object, object], None]  # (site, weights [B, H, Tq, Tk], mask or None)


@contextmanager
def captured(sites: list[AttentionSite], consume: Consumer) -> Iterator[None]:
    """Within the block, every forward of a site calls `consume(site, weights, attention_mask)`, then passes the
    module's output on with the weights replaced by None: the layer's T × T weights are freed as soon as they are
    consumed, not held by the model's layer while its MLP runs (nothing downstream reads them unless
    `output_attentions` is asked for, which the inspector never does)."""

    def hook_for(site: AttentionSite):
        def hook(module, args, kwargs, output):
            weights = output[site.index] if isinstance(output, tuple) else output
            if weights is None:
                raise AttentionError(
                    f"{site.name} returned no attention weights: this architecture ignores eager attention"
                )
            consume(site, weights.detach(), kwargs.get("attention_mask", kwargs.get("mask")))
            if isinstance(output, tuple):  # (a module whose whole output is the weights keeps them)
                index = site.index % len(output)  # transformers' recorders may count from the end
                return output[:index] + (None,) + output[index + 1 :]

        return hook

    handles = [site.module.register_forward_hook(hook_for(site), with_kwargs=True) for site in sites]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
