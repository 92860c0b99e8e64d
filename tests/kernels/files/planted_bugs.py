"""Row softmax with one correct Triton implementation and three planted bugs (tests/kernels/test_planted_bugs.py).

Run under the Triton interpreter on a CPU (roofline.kernels enables it before triton is imported).
"""

import torch
import triton
import triton.language as tl

DIMS = ("rows", "cols")
SHAPES = [{"rows": 6, "cols": 80}]


def make_inputs(shape, dtype, device, generator):
    x = torch.randn(shape["rows"], shape["cols"], generator=generator) * 2
    return (x.to(device=device, dtype=dtype),)


def reference(x):
    return torch.softmax(x, dim=-1)


def flops(shape):
    return 5 * shape["rows"] * shape["cols"]


def bytes_moved(shape, itemsize):
    return 2 * shape["rows"] * shape["cols"] * itemsize


@triton.jit
def _softmax(x_ptr, y_ptr, cols, BLOCK: tl.constexpr, OFF_BY_ONE: tl.constexpr):
    row = tl.program_id(0)
    offsets = tl.arange(0, BLOCK)
    mask = offsets < cols
    # the bug: `<=` reads one element past each row, and on the last row one past the tensor's end
    read = offsets <= cols if OFF_BY_ONE else mask
    x = tl.load(x_ptr + row * cols + offsets, mask=read, other=-float("inf"))
    exp = tl.exp(x - tl.max(x, axis=0))
    exp = tl.where(read, exp, 0.0)
    tl.store(y_ptr + row * cols + offsets, exp / tl.sum(exp, axis=0), mask=mask)


def _launch(x, out, rows, off_by_one=False):
    _softmax[(rows,)](x, out, x.shape[1], BLOCK=triton.next_power_of_2(x.shape[1]), OFF_BY_ONE=off_by_one)


def correct(x, out):
    _launch(x, out, x.shape[0])


def skips_last_row(x, out):
    _launch(x, out, x.shape[0] - 1)


def reads_out_of_range(x, out):
    _launch(x, out, x.shape[0], off_by_one=True)


_cache = {}


def cached_output(x, out):
    """Computes the right answer once, then replays it whatever the inputs."""
    if "y" not in _cache:
        _cache["y"] = torch.softmax(x, dim=-1)
    return _cache["y"]


IMPLS = {
    "correct": correct,
    "skips_last_row": skips_last_row,
    "reads_out_of_range": reads_out_of_range,
    "cached_output": cached_output,
}
NEEDS = {"correct": ["triton"], "skips_last_row": ["triton"], "reads_out_of_range": ["triton"]}
