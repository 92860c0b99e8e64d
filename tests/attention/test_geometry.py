"""A layer's mask geometry (counts, keys seen, uniform α) is computed a block of rows at a time; on masks spanning
several blocks it equals the whole-mask computation."""

import torch

from roofline.attention.metrics import ROWS_PER_BLOCK, layer_geometry


def test_blocked_mask_sums_equal_whole_mask_sums():
    t = 2 * ROWS_PER_BLOCK + 37  # three blocks, the last one partial
    generator = torch.Generator().manual_seed(0)
    allowed = torch.ones(t, t, dtype=torch.bool).tril() & (torch.rand(t, t, generator=generator) > 0.3)
    allowed.fill_diagonal_(True)

    for causal in (True, False):
        geometry = layer_geometry(allowed, causal_queries=causal)
        eligible = allowed.tril() if causal else allowed
        keys_seen = allowed.sum(dim=1)
        counts = eligible.sum(dim=0)
        uniform = (eligible.double() / keys_seen[:, None]).sum(dim=0) / counts.clamp(min=1)

        assert torch.equal(geometry.keys_seen, keys_seen)
        assert torch.equal(geometry.counts, counts.double())
        torch.testing.assert_close(geometry.uniform, uniform, rtol=1e-12, atol=0)
