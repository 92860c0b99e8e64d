"""Attention-inspector speed and memory on a GPT-2-small-shaped model (12 layers, 12 heads, 768 wide, random init,
float32, n_positions raised to 4,096), on CPU.

Cases, each in a fresh process (peak RSS is per process):
- inspect-1024: the full inspection (every metric, thumbnails, the 65-token probe pass) of 1,024 tokens, wall
  seconds after the model is loaded (target: under 15 s), and the CPU seconds of all the process's threads (other
  work on a shared machine inflates wall time, not these; with 2 threads an idle machine's wall time is about
  half of them);
- plain-4096: one eager forward without any capture: the model's own peak (eager attention materialises the
  scores and their softmax, about 2 layers' attention tensors, by itself);
- inspect-4096: the full inspection of 4,096 tokens;
- naive-4096: one forward with output_attentions=True, every layer's tensor held at once (about 10 GB).
Peak growth = VmHWM after the case - VmRSS before it (the peak is reset after loading through
/proc/self/clear_refs). One layer's attention tensor = heads × T² × 4 bytes. Bytes in GB (1e9).
Prints one JSON object per case.
"""

import json
import os
import subprocess
import sys
import time

LAYERS, HEADS, WIDTH, VOCAB = 12, 12, 768, 50257
CASES = ("inspect-1024", "plain-4096", "inspect-4096", "naive-4096")
SPEED_TARGET_S = 15.0


def _status(field: str) -> int:
    """A /proc/self/status figure in bytes (VmRSS, VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _loaded_model():
    import torch
    from transformers import AutoModel, GPT2Config

    from roofline.attention import LoadedModel
    from roofline.attention.train_induction import SPECIALS, word_tokenizer

    torch.manual_seed(0)
    config = GPT2Config(n_layer=LAYERS, n_head=HEADS, n_embd=WIDTH, vocab_size=VOCAB, n_positions=4096)
    model = AutoModel.from_config(config, attn_implementation="eager").eval()
    tokenizer = word_tokenizer(VOCAB - len(SPECIALS))
    return LoadedModel("gpt2-small-shape (random init)", model, tokenizer, config, "cpu", "float32")


def run_case(case: str) -> dict:
    import torch

    from roofline.attention import AttentionRequest, inspect_attention

    kind, tokens = case.rsplit("-", 1)
    tokens = int(tokens)
    loaded = _loaded_model()
    text = " ".join(f"t{(i * 7919) % 50000}" for i in range(tokens - 1))  # + [BOS] = `tokens` tokens
    ids = torch.tensor([loaded.tokenizer(text)["input_ids"]])
    assert ids.shape[1] == tokens
    with torch.no_grad():
        loaded.model(input_ids=ids[:, :16])  # warm-up
    before = _status("VmRSS")
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # reset VmHWM to the current RSS
    started, cpu_started = time.perf_counter(), time.process_time()
    if kind == "inspect":
        result = inspect_attention(AttentionRequest(model="bench", text=text, max_tokens=tokens), loaded=loaded)
        assert len(result.heads) == LAYERS * HEADS
    else:
        with torch.no_grad():
            out = loaded.model(input_ids=ids, output_attentions=kind == "naive")
        if kind == "naive":
            assert len(out.attentions) == LAYERS
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    layer_tensor = HEADS * tokens * tokens * 4
    growth = _status("VmHWM") - before
    return {
        "case": case, "tokens": tokens, "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2),
        "load_average_1m": round(os.getloadavg()[0], 1), "rss_before_gb": round(before / 1e9, 2),
        "peak_growth_gb": round(growth / 1e9, 2), "layer_attention_gb": round(layer_tensor / 1e9, 3),
        "growth_in_layer_tensors": round(growth / layer_tensor, 2), "threads": torch.get_num_threads(),
    }  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(run_case(sys.argv[1])))
        return
    for case in CASES:
        done = subprocess.run(
            [sys.executable, __file__, case], capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}
        )
        rows = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode or not rows:
            print(json.dumps({"case": case, "error": (done.stderr.strip().splitlines() or ["no output"])[-1]}))
        else:
            print(rows[-1])


if __name__ == "__main__":
    main()
