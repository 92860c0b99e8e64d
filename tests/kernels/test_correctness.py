"""The correctness check itself: poisoned outputs, guard regions, untouched inputs, per-dtype tolerances."""

import pytest
import torch

from roofline.kernels import KERNELS
from roofline.kernels.correctness import GUARD_ELEMENTS, TOLERANCES, check, guarded, guards_intact

SOFTMAX = KERNELS["softmax"]
SHAPE = {"rows": 4, "cols": 16}


def check_softmax(fn, dtype=torch.float32):
    return check(SOFTMAX, fn, SHAPE, dtype, "cpu")


def test_a_correct_implementation_passes_both_fresh_checks():
    result = check_softmax(lambda x, out: torch.softmax(x, -1))
    assert result.passed and result.checks == 2 and result.max_abs_error < 1e-6


def test_an_implementation_that_writes_nothing_fails_on_nan():
    result = check_softmax(lambda x, out: None)
    assert not result.passed and result.mismatches == 64 and "64 are NaN" in result.failure


def test_a_write_past_the_output_is_caught():
    def overruns(x, out):
        out.copy_(torch.softmax(x, -1))
        torch.as_strided(out, (out.numel() + 1,), (1,))[-1] = 0.0

    result = check_softmax(overruns)
    assert not result.passed and result.failure == "wrote outside its output"


def test_an_implementation_that_changes_its_input_fails():
    def in_place(x, out):
        out.copy_(torch.softmax(x, -1))
        x.zero_()

    assert check_softmax(in_place).failure == "modified an input"


def test_a_crash_is_a_failed_check_with_its_reason():
    def crashes(x, out):
        raise RuntimeError("boom")

    assert check_softmax(crashes).failure == "raised RuntimeError: boom"


def test_a_wrong_shape_is_reported():
    assert "expected a tensor of shape (4, 16)" in check_softmax(lambda x, out: x[:2]).failure


def test_bfloat16_rounding_passes_but_a_half_percent_error_does_not_in_float32():
    assert check_softmax(lambda x, out: torch.softmax(x.float(), -1).to(x.dtype), torch.bfloat16).passed
    assert not check_softmax(lambda x, out: torch.softmax(x, -1) * 1.005).passed
    assert TOLERANCES["float32"][1] < 0.005 < TOLERANCES["bfloat16"][1]


def test_guards_surround_the_copy_and_detect_a_touch():
    view, buffer = guarded(torch.arange(6.0).view(2, 3))
    assert buffer.numel() == 6 + 2 * GUARD_ELEMENTS and torch.equal(view, torch.arange(6.0).view(2, 3))
    assert guards_intact(buffer, 6)
    buffer[GUARD_ELEMENTS - 1] = 1.0
    assert not guards_intact(buffer, 6)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_formats_of_every_row_kernel_pass_with_pytorch_fused(dtype):
    for name in ("softmax", "layernorm", "rmsnorm"):
        kernel = KERNELS[name]
        fn = kernel.impls["fused"].build()
        assert check(kernel, fn, kernel.test_shapes[0], dtype, "cpu").passed, name
