"""The context of torch_peer.py's results document (the machine, the libraries, the methodology),
and its atomic write."""
from __future__ import annotations

import datetime
import json
import os
import platform
import re
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import torch

from actbench_cases import INPUT_SEED
from host_cpu import cpu_model, physical_cores, read_or_empty
from torch_peer_options import Options
from torch_timing import Methodology

REPO = Path(__file__).resolve().parent.parent
# bench/environment_json.cpp: the variables that change how a run behaves (OpenMP, the allocator,
# preloads, CUDA, the vendor libraries, PyTorch), recorded by name.
RUN_VARIABLE_PREFIXES = ("OMP_", "GOMP_", "KMP_", "MALLOC_", "GLIBC_TUNABLES", "LD_PRELOAD", "CUDA_",
                         "ONEDNN_", "DNNL_", "ATEN_", "PYTORCH_", "TORCH_")
PEER = REPO / "scripts" / "torch_peer.py"


def project_version() -> str:
    match = re.search(r"project\(actbench VERSION ([0-9.]+)",
                      read_or_empty(REPO / "CMakeLists.txt"))
    return match.group(1) if match else "unknown"


def git_commit() -> str:
    """HEAD, with "-dirty" when a tracked file under scripts/ differs from it, as actbench stamps its builds."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10)
    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return "unknown"
        status = git("status", "--porcelain", "--untracked-files=no", "--", "scripts")
    except OSError:
        return "unknown"
    return head.stdout.strip() + ("-dirty" if status.stdout.strip() else "")


def onednn_version() -> str:
    """The oneDNN (MKL-DNN) that torch's CPU build bundles."""
    match = re.search(r"MKL-DNN v([0-9.]+)", torch.__config__.show())
    return match.group(1) if match else "none"


def libraries() -> dict[str, str]:
    found = {"google_benchmark": "none (Python clocks and CUDA events)",
             "onednn": onednn_version(), "torch": torch.__version__}
    if torch.version.cuda:
        found["cuda_runtime"] = torch.version.cuda
    if torch.backends.cudnn.is_available():
        v = torch.backends.cudnn.version()
        found["cudnn"] = f"{v // 10000}.{v % 10000 // 100}.{v % 100}"
    return found


def nvidia_driver_version() -> str:
    """torch does not expose the driver's version; the kernel module states it."""
    match = re.search(r"Kernel Module\s+([0-9.]+)",
                      read_or_empty(Path("/proc/driver/nvidia/version")))
    return match.group(1) if match else "unknown"


def gpu_context(device: str, copy_gbps: float) -> dict[str, Any]:
    p = torch.cuda.get_device_properties(device)
    # Not in every torch build's device properties (CUDA 13 removed the clock rates from
    # cudaDeviceProp): 0 then, which loses only the theoretical bandwidth and the clocks.
    memory_khz, bus_bits, sm_khz = (getattr(p, name, 0) for name in
                                    ("memory_clock_rate", "memory_bus_width", "clock_rate"))
    return {"index": int(device.split(":")[1]), "name": p.name,
            "compute_capability_major": p.major, "compute_capability_minor": p.minor,
            "sm_count": p.multi_processor_count, "memory_bytes": p.total_memory,
            "l2_bytes": p.L2_cache_size,
            # double data rate: two transfers per memory clock, over the bus width in bytes
            "theoretical_bandwidth_gbps": 2.0 * memory_khz * 1e3 * bus_bits / 8 / 1e9,
            "max_sm_clock_mhz": sm_khz // 1000,
            "max_memory_clock_mhz": memory_khz // 1000,
            "driver_version": nvidia_driver_version(),
            "runtime_version": torch.version.cuda or "unknown", "copy_bandwidth_gbps": copy_gbps}


def context(options: Options, caches: list[dict[str, Any]], peaks: dict[str, float],
            methodology: Methodology) -> dict[str, Any]:
    threads = len(os.sched_getaffinity(0))
    cpu = {"model": cpu_model(), "vector_isa": torch.backends.cpu.get_cpu_capability(),
           "cores": physical_cores(), "threads": threads,
           "caches": [{k: c[k] for k in ("level", "type", "size_bytes")} for c in caches],
           "copy_bandwidth_gbps": {str(options.threads): peaks["cpu"]} if "cpu" in peaks else {}}
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(
            timespec="seconds"),
        "host_name": socket.gethostname(),
        "executable": str(PEER.relative_to(REPO)),
        "num_cpus": os.cpu_count() or threads, "library_build_type": "release",
        "caches": [{"type": c["type"], "level": c["level"], "size": c["size_bytes"],
                    "num_sharing": c["num_sharing"]} for c in caches],
        "load_avg": list(os.getloadavg()),
        "actbench": {
            "schema_version": 1, "version": project_version(), "git_commit": git_commit(),
            "build_type": f"torch {torch.__version__}",
            "compiler": f"Python {platform.python_version()}",
            "command_line": options.command_line,
            "environment_variables": {name: value for name, value in sorted(os.environ.items())
                                      if name.startswith(RUN_VARIABLE_PREFIXES)},
            "cpu": cpu,
            "gpus": [gpu_context(d, peaks[d]) for d in peaks if d.startswith("cuda")],
            "libraries": libraries(),
            "methodology": {"input_seed": INPUT_SEED, "repetitions": methodology.repetitions,
                            "cpu_min_seconds": methodology.cpu_min_seconds,
                            "gpu_sampling": vars(methodology.gpu)},
        },
    }


def write_atomically(path: Path, document: dict[str, Any]) -> None:
    """A temporary file in the same folder, renamed over the target: never a half-written file."""
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            json.dump(document, handle, indent=1)
        # NamedTemporaryFile creates 0600; a results file is as readable as any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
