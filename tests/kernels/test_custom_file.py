"""Custom kernel files: a good one runs; a broken one gets an error naming the file, the problem and the fix."""

import textwrap

import pytest

from roofline.kernels import BenchRequest, CustomKernelError, load_kernel_file, run_benchmark

GOOD = '''
"""Scale a vector by two."""
import torch

DIMS = ("n",)
SHAPES = [{"n": 64}]


def make_inputs(shape, dtype, device, generator):
    return (torch.randn(shape["n"], generator=generator).to(device=device, dtype=dtype),)


def reference(x):
    return 2 * x


def flops(shape):
    return shape["n"]


def bytes_moved(shape, itemsize):
    return 2 * shape["n"] * itemsize


def mul(x, out):
    torch.mul(x, 2, out=out)


IMPLS = {"mul": mul, "add": lambda x, out: x + x}
'''


def write(tmp_path, source: str):
    path = tmp_path / "my_kernel.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_a_custom_file_runs_every_implementation(tmp_path):
    data = run_benchmark(BenchRequest(file=str(write(tmp_path, GOOD)), baseline="mul", min_time_s=0.01)).to_dict()

    assert data["kernel"]["name"] == "my_kernel" and data["kernel"]["description"] == "Scale a vector by two."
    assert [(r["impl"], r["status"], r["family"]) for r in data["results"]] == [
        ("mul", "ok", "custom"), ("add", "ok", "custom")
    ]  # fmt: skip
    assert data["results"][0]["flops"] == 64 and data["results"][0]["bytes"] == 2 * 64 * 4


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace("def flops(shape):", "def flops(shape)"))
    with pytest.raises(CustomKernelError, match=r"my_kernel.py, line 17: syntax error: expected ':'"):
        load_kernel_file(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("def make_inputs(shape, dtype, device, generator):", "def make_inputs(shape):"),
         r"make_inputs must take \(shape, dtype, device, generator\); it takes \(shape\)"),
        (("def mul(x, out):", "def mul(x, y):"), r"implementation 'mul' must accept the keyword argument `out`"),
        (('IMPLS = {"mul": mul, "add": lambda x, out: x + x}', "IMPLS = {}"), "IMPLS must be a non-empty dict"),
        (("def reference(x):", "def reference_(x):"), "missing reference"),
        (('SHAPES = [{"n": 64}]', 'SHAPES = [{"m": 64}]'), r"needs exactly the dims \('n',\)"),
        (("import torch", "import torch\nraise RuntimeError('no GPU here')"), "importing it raised RuntimeError"),
    ],
)  # fmt: skip
def test_a_broken_file_gets_a_clear_error(tmp_path, change, message):
    with pytest.raises(CustomKernelError, match=message):
        load_kernel_file(write(tmp_path, GOOD.replace(*change)))


def test_the_api_face_refuses_files():
    from roofline.kernels import KernelBenchError

    with pytest.raises(KernelBenchError, match="only from the CLI"):
        run_benchmark(BenchRequest(file="/etc/hostname"), allow_files=False)
