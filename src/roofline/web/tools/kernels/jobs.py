"""The "kernels" job kind: a benchmark of a built-in kernel started from the page, run by a worker (on its GPU
when the worker has one: the request's device is "auto"), stored as a site-worker run."""

from pydantic import model_validator

from roofline.kernels.errors import KernelBenchError
from roofline.kernels.request import BenchRequest
from roofline.web.jobs.kinds import JobError, Progress, register_job_kind

MAX_SHAPES = 8
MAX_ELEMENTS = 1 << 28  # per shape: keeps a page-started run within a worker's memory


class PageBenchRequest(BenchRequest):
    """A BenchRequest without custom files (the server never runs a user's code) and with bounded sizes."""

    @model_validator(mode="after")
    def server_safe(self) -> "PageBenchRequest":
        if self.file is not None:
            raise ValueError("custom kernel files run only from the CLI")
        if self.shapes and len(self.shapes) > MAX_SHAPES:
            raise ValueError(f"at most {MAX_SHAPES} shapes per run from the site")
        if self.min_time_s > 2:
            raise ValueError("min_time_s is at most 2 seconds for runs from the site")
        return self


@register_job_kind("kernels", "Kernel benchmark", PageBenchRequest, wants_gpu=True)
def run_kernels_job(request: PageBenchRequest, progress: Progress) -> dict:
    from roofline.kernels import KERNELS, run_benchmark
    from roofline.kernels.kernel import parse_shape
    from roofline.web.tools.kernels.actions import store_results
    from roofline.web.tools.kernels.models import KernelRun

    try:
        kernel = KERNELS.get(request.kernel)
        for shape in (request.shapes or []) if kernel else []:
            parsed = parse_shape(kernel, shape)
            if kernel.size(parsed) > MAX_ELEMENTS:
                raise JobError(f"shape {shape}: at most {MAX_ELEMENTS:,} elements per shape on the site")
        data = run_benchmark(request, progress=progress, allow_files=False).to_dict()
    except KernelBenchError as error:
        raise JobError(str(error)) from None
    run = store_results(data, owner=None, source=KernelRun.Source.WORKER)
    return {"run_id": run.pk, "url": f"/tools/kernels/runs/{run.pk}/", "results": len(data["results"])}
