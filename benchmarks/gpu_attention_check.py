"""The attention inspector on a CUDA device.

Agreement: every head's metrics from an inspection on the GPU equal those on the CPU (the metrics are computed where
the weights are) for random-init GPT-2-, Llama- (GQA), T5- and Gemma-2-shaped models and the trained induction
fixture, in float32: one JSON row per model with the largest |Δ| over every metric of every head.

Speed and memory: peak GPU memory of a full inspection of a GPT-2-small-shaped model (12 layers × 12 heads, 768
wide, random init, n_positions 4,096), next to one plain eager forward and one naive output_attentions=True forward,
and which attention the inspector ran (in-place or eager, and how far the two differed on its check).

    python benchmarks/gpu_attention_check.py [--tokens 1024,4096] [--dtypes float32,bfloat16]

Peak growth = torch.cuda.max_memory_allocated during the case - memory allocated before it. One layer's attention
tensor = heads × T² × element bytes. Prints one JSON object per case.
"""

import argparse
import json
import sys
import time

import torch

sys.path[:0] = [__file__.rsplit("/", 1)[0], __file__.rsplit("/", 2)[0]]  # benchmarks/, and the root for tests/
from bench_attention import HEADS, LAYERS, VOCAB, WIDTH  # noqa: E402


def _loaded(dtype: str):
    from transformers import AutoModel, GPT2Config

    from roofline.attention import LoadedModel
    from roofline.attention.train_induction import SPECIALS, word_tokenizer

    torch.manual_seed(0)
    config = GPT2Config(n_layer=LAYERS, n_head=HEADS, n_embd=WIDTH, vocab_size=VOCAB, n_positions=4096)
    model = AutoModel.from_config(config, attn_implementation="eager", dtype=getattr(torch, dtype)).to("cuda").eval()
    tokenizer = word_tokenizer(VOCAB - len(SPECIALS))
    return LoadedModel("gpt2-small-shape (random init)", model, tokenizer, config, "cuda", dtype)


def run_case(loaded, kind: str, tokens: int) -> dict:
    from roofline.attention import AttentionRequest, inspect_attention

    text = " ".join(f"t{(i * 7919) % 50000}" for i in range(tokens - 1))
    ids = torch.tensor([loaded.tokenizer(text)["input_ids"]], device="cuda")
    torch.cuda.synchronize()
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    before = torch.cuda.memory_allocated()
    started = time.perf_counter()
    extra = {}
    if kind == "inspect":
        result = inspect_attention(AttentionRequest(model="bench", text=text, max_tokens=tokens), loaded=loaded)
        extra = {"attention": result.model["attention"], "inspect_s": round(result.seconds["inspect"], 2)}
    else:
        with torch.no_grad():
            loaded.model.set_attn_implementation("eager")
            loaded.model(input_ids=ids, output_attentions=kind == "naive", use_cache=False)
    torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    growth = torch.cuda.max_memory_allocated() - before
    layer = HEADS * tokens * tokens * torch.finfo(getattr(torch, loaded.dtype)).bits // 8
    return {
        "case": f"{kind}-{tokens}", "dtype": loaded.dtype, "device": torch.cuda.get_device_name(),
        "seconds": round(seconds, 2), "peak_growth_gb": round(growth / 1e9, 3),
        "layer_attention_gb": round(layer / 1e9, 3), "growth_in_layer_tensors": round(growth / layer, 2), **extra,
    }  # fmt: skip


def agreement() -> None:
    import tempfile
    from pathlib import Path

    from transformers import Gemma2Config

    from roofline.attention import AttentionRequest, inspect_attention
    from tests.attention.models import gpt2_config, llama_config, save_model, t5_config

    root = Path(tempfile.mkdtemp())
    gemma2 = Gemma2Config(num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, hidden_size=32,
                          head_dim=8, intermediate_size=64, vocab_size=69, sliding_window=8,
                          attn_logit_softcapping=5.0, bos_token_id=1, eos_token_id=2, pad_token_id=0)  # fmt: skip
    configs = {"gpt2": gpt2_config(), "llama-gqa": llama_config(), "t5": t5_config(), "gemma2": gemma2}
    models = {name: save_model(root / name, config) for name, config in configs.items()}
    models["induction-fixture"] = Path(__file__).resolve().parents[1] / "tests/attention/fixtures/induction-llama-2l"
    text = " ".join(f"t{(i * 7) % 60 + 3}" for i in range(40))
    for name, directory in models.items():
        results = {
            device: inspect_attention(AttentionRequest(model=str(directory), text=text, probe_block=16, device=device))
            for device in ("cpu", "cuda")
        }  # fmt: skip
        worst, compared = 0.0, 0
        for cpu_head, gpu_head in zip(results["cpu"].heads, results["cuda"].heads, strict=True):
            for metric, value in cpu_head.items():
                theirs_all = gpu_head[metric]
                pairs = zip(value, theirs_all, strict=True) if metric == "sink_alpha" else [(value, theirs_all)]
                for ours, theirs in pairs:
                    if isinstance(ours, float):
                        worst = max(worst, abs(ours - theirs))
                        compared += 1
                    elif metric != "thumbnail":
                        assert ours == theirs, (name, metric, ours, theirs)
        top = results["cuda"].top_heads().get("induction", [])[:1]
        print(json.dumps({"agreement": name, "metrics_compared": compared, "max_abs_difference": worst,
                          "gpu_attention": results["cuda"].model["attention"]["implementation"],
                          "top_induction_head_gpu": top}, default=str), flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", default="1024,4096")
    parser.add_argument("--dtypes", default="float32,bfloat16")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: this check needs a GPU")
    agreement()
    for dtype in args.dtypes.split(","):
        loaded = _loaded(dtype)
        run_case(loaded, "inspect", 64)  # warm-up: CUDA context, kernels, the attention check
        for tokens in map(int, args.tokens.split(",")):
            for kind in ("inspect", "plain", "naive"):
                print(json.dumps(run_case(loaded, kind, tokens)), flush=True)
                loaded.attention = None  # the next inspection re-checks after the eager cases switched it back


if __name__ == "__main__":
    main()
