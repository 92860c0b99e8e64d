"""Reading stored runs: the filters the page and the API share, and the comparison of two runs."""

from django.db.models import QuerySet

from roofline.web.tools.kernels.models import KernelResult, KernelRun

FILTERS = ("kernel", "device", "dtype", "shape")


def filtered_results(params) -> QuerySet[KernelResult]:
    """Result rows matching the filters in `params` (kernel, device = device name, dtype, shape = shape label)."""
    rows = KernelResult.objects.select_related("run", "run__owner")
    if params.get("kernel"):
        rows = rows.filter(kernel=params["kernel"])
    if params.get("device"):
        rows = rows.filter(run__device_name=params["device"])
    if params.get("dtype"):
        rows = rows.filter(dtype=params["dtype"])
    if params.get("shape"):
        rows = rows.filter(shape_label=params["shape"])
    return rows.order_by("-run__created_at", "run_id", "size", "dtype", "id")


def filtered_runs(params) -> QuerySet[KernelRun]:
    runs = KernelRun.objects.select_related("owner")
    if params.get("kernel"):
        runs = runs.filter(kernel=params["kernel"])
    if params.get("device"):
        runs = runs.filter(device_name=params["device"])
    if params.get("dtype") or params.get("shape"):
        ids = filtered_results(params).values("run_id")
        runs = runs.filter(pk__in=ids)
    return runs


def filter_choices() -> dict[str, list[str]]:
    """The values each filter can take, from what is stored."""
    rows = KernelResult.objects
    return {
        "kernel": sorted(set(rows.values_list("kernel", flat=True))),
        "device": sorted(set(KernelRun.objects.values_list("device_name", flat=True))),
        "dtype": sorted(set(rows.values_list("dtype", flat=True))),
        "shape": sorted(set(rows.values_list("shape_label", flat=True)), key=lambda s: (len(s), s)),
    }


def run_summary(run: KernelRun) -> dict:
    data = run.data
    return {
        "id": run.pk,
        "url": f"/tools/kernels/runs/{run.pk}/",
        "kernel": run.kernel,
        "device_name": run.device_name,
        "device": run.device_kind,
        "source": run.source,
        "owner": run.owner.get_username() if run.owner else None,
        "measured_at": run.measured_at,
        "submitted_at": run.created_at.isoformat(),
        "dtypes": sorted({r["dtype"] for r in data["results"]}),
        "impls": list(dict.fromkeys(r["impl"] for r in data["results"])),
        "shapes": list(dict.fromkeys(r["shape_label"] for r in data["results"])),
        "results": len(data["results"]),
    }


def compare_runs(a: KernelRun, b: KernelRun) -> list[dict]:
    """One line per (shape, dtype, impl) present in either run: both medians and B's time relative to A's."""

    def keyed(run):
        return {(r["shape_label"], r["dtype"], r["impl"]): r for r in run.data["results"]}

    left, right = keyed(a), keyed(b)
    lines = []
    for key in dict.fromkeys([*left, *right]):
        ra, rb = left.get(key), right.get(key)
        ta = ra["timing"]["median_s"] if ra and ra.get("timing") else None
        tb = rb["timing"]["median_s"] if rb and rb.get("timing") else None
        lines.append({
            "shape": key[0], "dtype": key[1], "impl": key[2],
            "a": ra, "b": rb, "a_median_s": ta, "b_median_s": tb,
            "a_roofline": ra.get("roofline_fraction") if ra else None,
            "b_roofline": rb.get("roofline_fraction") if rb else None,
            "b_over_a": tb / ta if ta and tb else None,
        })  # fmt: skip
    return lines
