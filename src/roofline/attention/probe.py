"""The induction probe: BOS + a block of random tokens + the same block again (TransformerLens
`generate_repeated_tokens`; Olsson et al. 2022). On its second copy an induction head attends to the token after
the current token's first occurrence."""

import torch


def probe_token_ids(tokenizer, vocab_size: int, block: int, seed: int) -> list[int]:
    """[BOS] + block + block. Block tokens are distinct (when the vocabulary allows), drawn from the ids below
    `vocab_size` that are not special tokens, so each query of the second copy has exactly one stripe target."""
    special = set(tokenizer.all_special_ids)
    candidates = torch.tensor([i for i in range(min(vocab_size, len(tokenizer))) if i not in special])
    generator = torch.Generator().manual_seed(seed)
    if len(candidates) >= block:
        picked = candidates[torch.randperm(len(candidates), generator=generator)[:block]]
    else:
        picked = candidates[torch.randint(len(candidates), (block,), generator=generator)]
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.cls_token_id
    ids = picked.tolist()
    return ([start] if start is not None else []) + ids + ids
