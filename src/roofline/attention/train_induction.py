"""Train a 2-layer Llama-architecture model (tiny dims, GQA) to copy repeated blocks of random tokens, so that it
grows a previous-token head in layer 0 and an induction head in layer 1 (Olsson et al. 2022), and save it in
Hugging Face format: the inspector's ground-truth fixture (tests/attention/fixtures/induction-llama-2l).

    python -m roofline.attention.train_induction tests/attention/fixtures/induction-llama-2l

Each training sequence is [BOS] + a block of distinct random tokens + the same block; the loss is the next-token
loss on the second copy only (the first copy is unpredictable). Block lengths in HELD_OUT_BLOCKS are never
trained on, so tests can probe with them. CPU, a few minutes.
"""

import argparse
import math
import time
from pathlib import Path

SPECIALS = ["[PAD]", "[BOS]", "[EOS]"]
WORDS = 64  # random-token vocabulary: t0..t63
MAX_BLOCK = 40
HELD_OUT_BLOCKS = (11, 23, 37)
TRAIN_BLOCKS = tuple(n for n in range(4, MAX_BLOCK + 1) if n not in HELD_OUT_BLOCKS)


def word_tokenizer(words: int, bos: bool = True):
    """A fast tokenizer that splits on whitespace: vocabulary = SPECIALS + t0..t{words-1}; adds [BOS] if `bos`."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {token: i for i, token in enumerate(SPECIALS + [f"t{i}" for i in range(words)])}
    core = Tokenizer(models.WordLevel(vocab, "[PAD]"))  # unknown words map to [PAD]
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    if bos:
        core.post_processor = processors.TemplateProcessing(single="[BOS] $A", special_tokens=[("[BOS]", 1)])
    special = {"pad_token": "[PAD]", "eos_token": "[EOS]", "bos_token": "[BOS]" if bos else None}
    return PreTrainedTokenizerFast(tokenizer_object=core, **special)


def induction_config():
    """The fixture's architecture: 2 layers, 4 query heads sharing 2 key/value heads, 64 wide."""
    from transformers import LlamaConfig

    return LlamaConfig(
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, hidden_size=64, intermediate_size=128,
        vocab_size=len(SPECIALS) + WORDS, max_position_embeddings=2 * MAX_BLOCK + 1, tie_word_embeddings=True,
        bos_token_id=1, eos_token_id=2, pad_token_id=0,
    )  # fmt: skip


def repeated_blocks(batch: int, block: int, generator):
    """[batch, 1 + 2·block] token ids: BOS + distinct random tokens + the same tokens."""
    import torch

    first = torch.rand(batch, WORDS, generator=generator).argsort(dim=1)[:, :block] + len(SPECIALS)
    bos = torch.full((batch, 1), 1)
    return torch.cat([bos, first, first], dim=1)


def copy_loss(model, ids, block: int):
    """Mean next-token cross-entropy (nats) over the second copy's predictable tokens."""
    import torch

    logits = model(input_ids=ids).logits  # [B, T, V]
    predicted = logits[:, block + 1 : -1]  # positions whose next token is the second copy's 2nd..last token
    targets = ids[:, block + 2 :]
    return torch.nn.functional.cross_entropy(predicted.reshape(-1, predicted.shape[-1]), targets.reshape(-1))


def train(out: Path, steps: int = 3000, batch: int = 32, lr: float = 3e-3, target_loss: float = 0.02, seed: int = 0):
    import torch
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = LlamaForCausalLM(induction_config())
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    started, recent = time.time(), []
    for step in range(1, steps + 1):
        block = TRAIN_BLOCKS[int(torch.randint(len(TRAIN_BLOCKS), (1,), generator=generator))]
        loss = copy_loss(model, repeated_blocks(batch, block, generator), block)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        for group in optimiser.param_groups:  # linear warm-up over 100 steps, then cosine decay
            group["lr"] = lr * min(1.0, step / 100) * 0.5 * (1 + math.cos(math.pi * step / steps))
        optimiser.step()
        recent = (recent + [loss.item()])[-50:]
        if step % 100 == 0:
            print(f"step {step}: copy loss {sum(recent) / len(recent):.4f} nats ({time.time() - started:.0f} s)")
        if len(recent) == 50 and sum(recent) / 50 < target_loss:
            break
    model.eval()
    with torch.no_grad():
        held_out = {n: float(copy_loss(model, repeated_blocks(64, n, generator), n)) for n in HELD_OUT_BLOCKS}
    print(f"held-out copy loss (nats): {held_out}")
    model.to(torch.float16).save_pretrained(out)
    word_tokenizer(WORDS).save_pretrained(out)
    return held_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="directory to write the model and tokenizer to")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    train(args.out, steps=args.steps, seed=args.seed)


if __name__ == "__main__":
    main()
