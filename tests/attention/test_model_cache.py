"""The worker's model cache: a model loaded once serves later jobs; the least recently used goes first once the
cached parameter bytes pass the bound; a model larger than the bound is used and not kept."""

from roofline.attention import ModelCache


def test_cache_keeps_models_within_its_byte_bound(tiny_models):
    gpt2, llama = str(tiny_models["gpt2"]), str(tiny_models["llama"])
    probe = ModelCache(max_bytes=1 << 40)
    first = probe.get(gpt2, dtype="float32", device="cpu", revision=None)
    assert probe.get(gpt2, dtype="float32", device="cpu", revision=None) is first  # loaded once
    both = first.parameter_bytes + probe.get(llama, dtype="float32", device="cpu", revision=None).parameter_bytes

    bounded = ModelCache(max_bytes=both - 1)  # room for one of the two, not both
    bounded.get(gpt2, dtype="float32", device="cpu", revision=None)
    kept = bounded.get(llama, dtype="float32", device="cpu", revision=None)
    assert len(bounded) == 1  # gpt2, the least recently used, was dropped...
    assert bounded.get(llama, dtype="float32", device="cpu", revision=None) is kept  # ...llama stays

    tiny = ModelCache(max_bytes=1)
    assert tiny.get(gpt2, dtype="float32", device="cpu", revision=None).model is not None
    assert len(tiny) == 0  # too large to keep
