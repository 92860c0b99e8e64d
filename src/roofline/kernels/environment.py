"""The environment a run measured: device, driver, CUDA, torch and Triton versions, clocks where readable."""

import importlib.metadata
import os
import platform
import shutil
import subprocess
from pathlib import Path

import torch


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_clock_mhz() -> float | None:
    try:
        return int(Path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq").read_text()) / 1e3
    except (OSError, ValueError):
        return None


def _nvidia_smi(fields: str) -> list[str] | None:
    """One row of `nvidia-smi --query-gpu` for the current device, or None where nvidia-smi is missing."""
    if not shutil.which("nvidia-smi"):
        return None
    try:
        index = torch.cuda.current_device()
        out = subprocess.run(
            ["nvidia-smi", f"--query-gpu={fields}", "--format=csv,noheader,nounits", f"--id={index}"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return [part.strip() for part in out.strip().split(",")]


def describe_environment(device: str) -> dict:
    """JSON-ready description of the machine and software a run used."""
    env = {
        "device": device,
        "torch": torch.__version__,
        "triton": _version("triton"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_name(),
        "cpu_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "cpu_clock_mhz": _cpu_clock_mhz(),
        "device_name": _cpu_name(),
        "cuda": torch.version.cuda,
        "driver": None,
        "clocks_mhz": None,
        "triton_interpreter": os.environ.get("TRITON_INTERPRET") == "1",
    }
    if device == "cuda":
        props = torch.cuda.get_device_properties(torch.cuda.current_device())
        env["device_name"] = props.name
        env["compute_capability"] = f"{props.major}.{props.minor}"
        env["sm_count"] = props.multi_processor_count
        env["memory_bytes"] = props.total_memory
        env["l2_bytes"] = getattr(props, "L2_cache_size", None)
        row = _nvidia_smi("driver_version,clocks.sm,clocks.mem,clocks.max.sm,clocks.max.mem")
        if row and len(row) == 5:
            env["driver"] = row[0]
            names = ("sm", "memory", "sm_max", "memory_max")
            env["clocks_mhz"] = {name: float(v) for name, v in zip(names, row[1:], strict=True) if _number(v)}
    return env


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
