"""The accelerator catalog: ids and aliases resolve, every figure has a source, hand-checked datasheet arithmetic,
dtype errors, and custom accelerator files."""

import json
import math
from importlib import resources
from pathlib import Path

import pytest

from roofline.hardware import (
    DTYPES,
    Accelerator,
    InvalidAcceleratorFile,
    UnknownAccelerator,
    UnsupportedDtype,
    catalog_version,
    get_accelerator,
    list_accelerators,
    load_accelerator_file,
)

REQUIRED_IDS = [
    "h100-sxm", "h100-pcie", "h200", "b200", "a100-40gb", "a100-80gb", "l40s", "l4", "a10g", "rtx4090", "mi300x",
    "tpu-v5e",
]  # fmt: skip
GIB = 2**30
MIB = 2**20


def raw_catalog() -> dict:
    return json.loads((resources.files("roofline.hardware") / "catalog.json").read_text(encoding="utf-8"))


def raw_entry(accelerator_id: str) -> dict:
    return next(e for e in raw_catalog()["accelerators"] if e["id"] == accelerator_id)


# ------------------------------------------------------------------------------------------- catalog contents


@pytest.mark.parametrize("accelerator_id", REQUIRED_IDS)
def test_every_required_accelerator_loads_with_positive_core_figures(accelerator_id):
    accelerator = get_accelerator(accelerator_id)

    assert isinstance(accelerator, Accelerator)
    assert accelerator.id == accelerator_id
    assert accelerator.memory_bytes > 1 * GIB
    assert accelerator.memory_bandwidth_bytes_per_s > 1e11
    assert accelerator.peak_flops("bf16") > 1e13
    assert set(accelerator.peak_flops_per_s) == set(DTYPES)


def test_catalog_has_a_version_notes_and_lists_every_entry_in_file_order():
    ids = [accelerator.id for accelerator in list_accelerators()]

    assert catalog_version()
    assert raw_catalog()["notes"]
    assert ids == [entry["id"] for entry in raw_catalog()["accelerators"]]
    assert set(REQUIRED_IDS) <= set(ids)


def test_every_non_null_figure_in_the_file_has_a_source_with_a_url():
    for entry in raw_catalog()["accelerators"]:
        figures = {
            "memory": entry["memory"]["bytes"],
            "memory_bandwidth": entry["memory_bandwidth"]["bytes_per_s"],
            "interconnect": entry["interconnect"].get("bytes_per_s"),
            "l2": entry["l2"]["bytes"],
            **{f"peak_flops.{dtype}": peak for dtype, peak in entry["peak_flops_per_s"].items()},
        }
        for key, value in figures.items():
            if value is None:
                continue
            source = entry["sources"].get(key, "")
            assert "https://" in source, f"{entry['id']}: {key} has no source with a URL"


def test_every_accelerator_reports_no_unsourced_figures_and_explains_itself_in_notes():
    for accelerator in list_accelerators():
        assert accelerator.figures_without_source() == []
        assert accelerator.notes, accelerator.id


def test_every_entry_states_memory_as_the_vendor_does_and_in_binary_bytes():
    # All vendors here write "GB" for binary-sized HBM/GDDR capacities: "80GB" = 80 × 2^30 bytes.
    for entry in raw_catalog()["accelerators"]:
        memory = entry["memory"]
        assert memory["unit"] in ("GB", "GiB")
        assert memory["bytes"] == memory["value"] * GIB, entry["id"]
        assert memory["bytes_note"], entry["id"]


def test_interconnect_direction_is_stated_wherever_there_is_a_figure():
    for entry in raw_catalog()["accelerators"]:
        link = entry["interconnect"]
        if link.get("bytes_per_s") is not None:
            assert link["direction"] in ("per_direction", "bidirectional_total"), entry["id"]


# ------------------------------------------------------------------------------------------- names and aliases


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("h100", "h100-sxm"),
        ("a100", "a100-80gb"),
        ("4090", "rtx4090"),
        ("h100-sxm5", "h100-sxm"),
        ("h100sxm", "h100-sxm"),
        ("H100 SXM", "h100-sxm"),
        ("H100_SXM5", "h100-sxm"),
        ("a100_80gb", "a100-80gb"),
        ("A100-40GB", "a100-40gb"),
        ("NVIDIA H100 PCIe", "h100-pcie"),
        ("NVIDIA GeForce RTX 4090", "rtx4090"),
        ("RTX 4090", "rtx4090"),
        ("AMD Instinct MI300X", "mi300x"),
        ("TPU v5e", "tpu-v5e"),
        ("v5e", "tpu-v5e"),
        ("  L40S  ", "l40s"),
    ],
)
def test_ids_and_aliases_resolve_whatever_the_case_spacing_or_vendor_prefix(name, expected):
    assert get_accelerator(name).id == expected


@pytest.mark.parametrize(("typo", "suggested"), [("h10", "h100-sxm"), ("a100-80", "a100-80gb"), ("mi300", "mi300x")])
def test_an_unknown_name_suggests_near_names_and_lists_every_id(typo, suggested):
    with pytest.raises(UnknownAccelerator) as caught:
        get_accelerator(typo)

    message = str(caught.value)
    assert isinstance(caught.value, LookupError)
    assert repr(typo) in message
    assert "Did you mean" in message and suggested in message.split("Known ids")[0]
    assert all(accelerator_id in message for accelerator_id in REQUIRED_IDS)
    assert "load_accelerator_file" in message


def test_an_unknown_name_with_nothing_near_still_lists_every_id():
    with pytest.raises(UnknownAccelerator, match="Known ids: .*tpu-v5e") as caught:
        get_accelerator("quantum-abacus-9000")

    assert "Did you mean" not in str(caught.value)


# ------------------------------------------------------------------------------------------- hand-checked figures


def test_h100_sxm_bf16_is_the_dense_figure_not_the_sparse_one():
    h100 = get_accelerator("h100-sxm")

    # Hopper whitepaper, H100 SXM5: BF16 989.4 dense | 1978.9 sparse; datasheet 1,979 TFLOPS* (with sparsity),
    # so dense = 1,979 / 2 ≈ 989.5e12.
    assert h100.peak_flops("bf16") == pytest.approx(989.4e12, rel=0.01)
    assert h100.peak_flops("bf16") < 1.5e15  # the sparse figure would be ~1.98e15


def test_h100_sxm_ridge_point_for_bf16_is_about_295_flop_per_byte():
    # 989.4e12 FLOP/s ÷ 3.35e12 B/s = 295.3 FLOP/byte
    assert get_accelerator("h100").ridge_point("bfloat16") == pytest.approx(295.3, abs=0.1)


def test_h100_sxm_memory_is_80_gib_and_its_nvlink_is_halved_to_per_direction():
    h100 = get_accelerator("h100-sxm")

    assert h100.memory_bytes == 85_899_345_920  # "80GB" HBM3 = 80 × 2^30
    assert h100.memory_stated == "80 GB HBM3"
    assert h100.interconnect_stated_bytes_per_s == 900e9  # datasheet: NVLink 900GB/s, both directions added
    assert h100.interconnect_direction == "bidirectional_total"
    assert h100.interconnect_bytes_per_s == 450e9  # 900 / 2, each way
    assert h100.l2_bytes == 50 * MIB  # "50 MB" L2 = 52,428,800 bytes


def test_h200_tensor_figures_are_its_sparse_datasheet_figures_halved():
    h200 = get_accelerator("h200")

    assert h200.peak_flops("fp8") == pytest.approx(3958e12 / 2)  # "FP8 3,958 TFLOPS*" → 1,979e12
    assert h200.peak_flops("bf16") == pytest.approx(1979e12 / 2)  # "BF16 1,979 TFLOPS*" → 989.5e12
    assert h200.peak_flops("fp32") == pytest.approx(67e12)  # non-tensor FP32: not halved
    # 4.8 TB/s: ridge 989.5e12 / 4.8e12 ≈ 206 FLOP/byte, lower than H100's because only memory got faster
    assert h200.ridge_point("bf16") == pytest.approx(206.1, abs=0.1)


def test_b200_per_gpu_figures_halve_nvidias_sparse_hgx_numbers():
    b200 = get_accelerator("b200")

    assert b200.peak_flops("fp4") == pytest.approx(18e15 / 2)  # HGX B200 "FP4 18 PFLOPS" (with sparsity)
    assert b200.peak_flops("fp8") == pytest.approx(9e15 / 2)
    assert b200.peak_flops("bf16") == pytest.approx(4.5e15 / 2)
    assert b200.interconnect_bytes_per_s == pytest.approx(1.8e12 / 2)  # NVLink 5: 1.8 TB/s bidirectional


def test_a100_80gb_figures_match_the_datasheet_dense_column():
    a100 = get_accelerator("a100")

    assert a100.peak_flops("bf16") == 312e12  # "BFLOAT16 Tensor Core 312 TFLOPS | 624 TFLOPS*"
    assert a100.peak_flops("tf32") == 156e12
    assert a100.memory_bandwidth_bytes_per_s == 2.039e12  # "2,039GB/s" (SXM)
    # 312e12 / 2.039e12 = 153.0 FLOP/byte
    assert a100.ridge_point("bf16") == pytest.approx(153.0, abs=0.1)
    assert get_accelerator("a100-40gb").memory_bandwidth_bytes_per_s == 1.555e12


def test_l4_tensor_figures_are_halved_from_its_sparsity_only_datasheet():
    l4 = get_accelerator("l4")

    assert l4.peak_flops("fp8") == pytest.approx(485e12 / 2)  # "FP8 485 teraFLOPS*" → 242.5e12
    assert l4.peak_flops("bf16") == pytest.approx(242e12 / 2)  # "BF16 242 teraFLOPS*" → 121e12
    assert l4.peak_flops("fp32") == pytest.approx(30.3e12)


def test_rtx4090_uses_the_fp32_accumulate_tensor_rate():
    rtx = get_accelerator("4090")

    # Ada whitepaper: FP16/BF16 with FP32 accumulate 165.2 dense; 330.3 is the FP16-accumulate rate.
    assert rtx.peak_flops("bf16") == pytest.approx(165.2e12)
    assert rtx.peak_flops("fp16") == pytest.approx(165.2e12)
    assert rtx.l2_bytes == 72 * MIB


def test_mi300x_and_tpu_v5e_ridge_points():
    # MI300X: 1307.4e12 / 5.3e12 = 246.7; TPU v5e: 197e12 / 819e9 = 240.5
    assert get_accelerator("mi300x").ridge_point("fp16") == pytest.approx(246.7, abs=0.1)
    assert get_accelerator("tpu-v5e").ridge_point("bf16") == pytest.approx(240.5, abs=0.1)
    assert get_accelerator("mi300x").memory_bytes == 192 * GIB


def test_bf16_ridge_points_are_in_the_dense_range_for_every_accelerator():
    # Dense bf16 ridge points of these parts lie between ~150 and ~420 FLOP/byte; a sparse figure slipped in
    # would double one of them.
    for accelerator in list_accelerators():
        assert 100 < accelerator.ridge_point("bf16") < 500, accelerator.id


def test_lower_precisions_are_never_slower_than_higher_ones():
    for accelerator in list_accelerators():
        peaks = accelerator.peak_flops_per_s
        chain = [peaks[d] for d in ("tf32", "bf16", "fp8", "fp4") if peaks[d] is not None]
        assert chain == sorted(chain), accelerator.id
        if peaks["fp16"] is not None:
            assert peaks["fp16"] == peaks["bf16"], accelerator.id


def test_a10g_says_its_compute_and_bandwidth_are_stand_ins_from_the_a10():
    a10g = get_accelerator("a10g")

    assert a10g.peak_flops("bf16") == get_accelerator("a10").peak_flops("bf16")
    assert "stand-in" in a10g.sources["peak_flops.bf16"]
    assert "stand-in" in a10g.sources["memory_bandwidth"]
    assert "aws.amazon.com" in a10g.sources["memory"]


def test_tpu_v5e_has_no_l2_figure_and_a_note_saying_why():
    tpu = get_accelerator("tpu-v5e")

    assert tpu.l2_bytes is None
    assert any(note.startswith("l2:") for note in tpu.notes)


# ------------------------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("bfloat16", "bf16"),
        ("torch.bfloat16", "bf16"),
        ("float16", "fp16"),
        ("half", "fp16"),
        ("float32", "fp32"),
        ("float8", "fp8"),
        ("fp8_e4m3", "fp8"),
        ("float8_e5m2", "fp8"),
        ("INT8", "int8"),
        ("TF32", "tf32"),
    ],
)
def test_dtype_spellings_map_to_the_catalog_dtype(spelling, canonical):
    h100 = get_accelerator("h100-sxm")

    assert h100.peak_flops(spelling) == h100.peak_flops_per_s[canonical]


def test_fp8_on_a100_raises_unsupported_dtype_naming_what_it_supports():
    with pytest.raises(UnsupportedDtype) as caught:
        get_accelerator("a100").peak_flops("float8_e4m3fn")

    error = caught.value
    assert isinstance(error, ValueError)
    assert error.dtype == "fp8"
    assert error.supported == ["fp32", "tf32", "bf16", "fp16", "int8"]
    assert "fp8" in str(error) and "bf16" in str(error) and "a100-80gb" in str(error)


def test_fp4_on_h100_raises_unsupported_dtype_and_so_does_its_ridge_point():
    h100 = get_accelerator("h100")

    with pytest.raises(UnsupportedDtype, match="no dense fp4 peak"):
        h100.peak_flops("nvfp4")
    with pytest.raises(UnsupportedDtype):
        h100.ridge_point("fp4")


def test_an_unknown_dtype_name_is_unsupported_and_the_message_lists_the_known_ones():
    with pytest.raises(UnsupportedDtype, match=r"Unknown dtype 'int4'.*fp32, tf32, bf16, fp16, fp8, int8, fp4"):
        get_accelerator("h100").peak_flops("int4")


# ------------------------------------------------------------------------------------------- to_dict, hashing


def test_to_dict_is_json_ready_and_a_copy():
    h100 = get_accelerator("h100-sxm")

    data = h100.to_dict()
    data["peak_flops_per_s"]["bf16"] = 0.0
    data["notes"].append("changed")

    assert json.loads(json.dumps(data))["id"] == "h100-sxm"
    assert h100.peak_flops("bf16") == pytest.approx(989.4e12)
    assert "changed" not in h100.notes
    assert {"memory_bytes", "memory_bandwidth_bytes_per_s", "peak_flops_per_s", "sources", "l2_bytes"} <= set(data)


def test_accelerators_can_be_set_members_and_dict_keys():
    assert len({get_accelerator("h100"), get_accelerator("h100-sxm5"), get_accelerator("a100")}) == 2


# ------------------------------------------------------------------------------------------- custom files


def write_json(path, data) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_a_catalog_entry_written_to_a_file_loads_back_identical(tmp_path):
    path = write_json(tmp_path / "h100.json", raw_entry("h100-sxm"))

    assert load_accelerator_file(path) == get_accelerator("h100-sxm")


def test_a_minimal_custom_file_loads_with_nulls_for_what_it_leaves_out(tmp_path):
    path = write_json(
        tmp_path / "lab-gpu.json",
        {
            "id": "lab-gpu",
            "name": "Lab GPU (measured)",
            "vendor": "Us",
            "memory": {"value": 48, "unit": "GiB", "type": "GDDR6", "bytes": 48 * GIB},
            "memory_bandwidth": {"bytes_per_s": 7.5e11},
            "peak_flops_per_s": {"bf16": 1.5e14},
            "interconnect": {"name": "none"},
        },
    )

    lab = load_accelerator_file(path)

    assert lab.memory_stated == "48 GiB GDDR6"
    assert lab.ridge_point("bf16") == pytest.approx(200.0)  # 1.5e14 / 7.5e11
    assert lab.peak_flops_per_s["fp8"] is None
    assert lab.interconnect_bytes_per_s is None
    assert lab.l2_bytes is None


def test_a_per_direction_interconnect_is_kept_as_is(tmp_path):
    entry = raw_entry("l4") | {"interconnect": {"name": "Link", "bytes_per_s": 5e10, "direction": "per_direction"}}

    assert load_accelerator_file(write_json(tmp_path / "l4.json", entry)).interconnect_bytes_per_s == 5e10


def _broken(**changes) -> dict:
    entry = raw_entry("h100-sxm")
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = entry
        for parent in parents:
            target = target[parent]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return entry


_DELETE = object()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"memory_bandwidth": _DELETE}, "memory_bandwidth", "missing"),
        ({"memory_bandwith": {"bytes_per_s": 1e12}}, "memory_bandwith", "unknown field"),
        ({"memory_bandwidth__bytes_per_s": 3.35}, "memory_bandwidth.bytes_per_s", "greater than or equal"),
        ({"memory__bytes": 80}, "memory", "does not match the stated 80 GB"),
        ({"memory__unit": "gigabytes"}, "memory.unit", "'GB' or 'GiB'"),
        ({"peak_flops_per_s__bf17": 1e15}, "peak_flops_per_s", "unknown dtypes ['bf17']"),
        ({"peak_flops_per_s__bf16": 989.4}, "peak_flops_per_s", "not TFLOPS"),
        ({"interconnect__direction": None}, "interconnect", "direction is required"),
        ({"sources__memroy": "typo"}, "sources", "unknown keys ['memroy']"),
        ({"id": "H100 Custom"}, "id", "pattern"),
    ],
)
def test_a_malformed_file_names_the_file_and_each_bad_field(tmp_path, changes, field, words):
    path = write_json(tmp_path / "bad.json", _broken(**changes))

    with pytest.raises(InvalidAcceleratorFile) as caught:
        load_accelerator_file(path)

    message = str(caught.value)
    assert path in message
    assert any(p.startswith(f"{field}") and words in p for p in caught.value.problems), caught.value.problems
    assert "catalog.json" in message  # says where to copy a valid entry from


def test_a_file_that_is_not_json_reports_the_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": "x",\n  oops\n}', encoding="utf-8")

    with pytest.raises(InvalidAcceleratorFile, match=r"not valid JSON: .* line 3, column 3"):
        load_accelerator_file(path)


def test_a_whole_catalog_in_a_custom_file_is_refused_with_a_hint(tmp_path):
    path = write_json(tmp_path / "catalog.json", raw_catalog())

    with pytest.raises(InvalidAcceleratorFile, match="whole catalog"):
        load_accelerator_file(path)


def test_a_missing_custom_file_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="No accelerator file at .*nowhere.json"):
        load_accelerator_file(tmp_path / "nowhere.json")


def test_all_floats_in_the_catalog_are_finite():
    for accelerator in list_accelerators():
        for value in (accelerator.memory_bandwidth_bytes_per_s, *accelerator.peak_flops_per_s.values()):
            assert value is None or math.isfinite(value)


def test_the_docs_table_has_a_row_for_every_accelerator():
    docs = (Path(__file__).parents[2] / "docs" / "hardware.md").read_text(encoding="utf-8")

    for accelerator in list_accelerators():
        assert f"| `{accelerator.id}` | {accelerator.name.split(' (')[0]}" in docs, accelerator.id
