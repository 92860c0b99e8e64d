import copy

import pytest

import roofline.kernels.impls  # noqa: F401  (Triton interpreter on before anything imports triton)
from roofline.kernels import BenchRequest, run_benchmark


@pytest.fixture(scope="session")
def cpu_results() -> dict:
    """A real results file from this machine: softmax 4x32 and 16x32, eager and fused timed, cuda not run."""
    request = BenchRequest(kernel="softmax", shapes=["4x32", "16x32"], impls=["eager", "fused", "cuda"],
                           min_time_s=0.01, warmup_s=0)  # fmt: skip
    return run_benchmark(request).to_dict()


@pytest.fixture
def results(cpu_results) -> dict:
    return copy.deepcopy(cpu_results)
