"""Ground truth without a GPU: trace the tensor memory of a real Hugging Face training step with PyTorch's
MemTracker under FakeTensorMode (no memory is allocated; PyTorch's own accounting of every tensor)."""

from unittest import mock

import torch
from torch._subclasses.fake_tensor import FakeTensorMode
from torch.distributed._tools.mem_tracker import MemTracker
from transformers import AutoConfig, AutoModelForCausalLM

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}
OPTIMIZERS = {  # foreach: the implementation PyTorch picks by default on CUDA
    "adamw": lambda params: torch.optim.AdamW(params, lr=1e-4, foreach=True),
    "sgd": lambda params: torch.optim.SGD(params, lr=1e-2, momentum=0.9, foreach=True),
}


def measure_training_step(
    config: dict,
    batch: int,
    seq: int,
    dtype: str,
    attention: str,
    steps: int = 2,
    checkpointing: bool = False,
    optimizer: str = "adamw",
) -> int:
    """Peak tensor bytes of `steps` training steps (forward with labels, backward, AdamW step, zero_grad) of the
    model `config` describes, in train mode, as MemTracker counts them.

    Under FakeTensorMode transformers cannot read position ids and assumes packed sequences, which would build
    an attention mask a real run does not; the patch gives the answer a real run computes (no packing)."""
    hf_config = AutoConfig.for_model(**config)
    with (
        mock.patch("transformers.masking_utils.find_packed_sequence_indices", return_value=None),
        FakeTensorMode(),
    ):
        model = AutoModelForCausalLM.from_config(hf_config, attn_implementation=attention, dtype=DTYPES[dtype])
        model.train()
        if checkpointing:
            model.activation_checkpointing_enable()
        optimizer = OPTIMIZERS[optimizer](model.parameters())
        ids = torch.randint(0, hf_config.vocab_size, (batch, seq))
        tracker = MemTracker()
        tracker.track_external(model, optimizer)
        with tracker:
            for step in range(steps):
                loss = model(input_ids=ids, labels=ids, use_cache=False).loss
                loss.backward()
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                del loss
                if step < steps - 1:
                    tracker.reset_mod_stats()  # per-module statistics only; the running peak is kept
        peak = tracker.get_tracker_snapshot("peak")
    return int(sum(snapshot["Total"] for snapshot in peak.values()))
