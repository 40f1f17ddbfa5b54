"""The CPU the scripts run on, from sysfs and /proc: its caches, model and physical cores."""
from __future__ import annotations

import os
import platform
import re
from pathlib import Path
from typing import Any

from actbench_cases import SIZE_SUFFIXES


def read_or_empty(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def cpu_caches() -> list[dict[str, Any]]:
    """CPU 0's caches from sysfs: level, type, size in bytes and how many CPUs share each."""
    caches = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index[0-9]*")):
        size = re.fullmatch(r"([0-9]+)([KMG]?)", read_or_empty(index / "size"))
        if not size:
            continue
        sharing = 0
        for part in read_or_empty(index / "shared_cpu_list").split(","):
            low, _, high = part.partition("-")
            sharing += int(high or low) - int(low) + 1 if low else 0
        caches.append({"level": int(read_or_empty(index / "level")),
                       "type": read_or_empty(index / "type"),
                       "size_bytes": int(size.group(1)) * SIZE_SUFFIXES.get(size.group(2), 1),
                       "num_sharing": max(sharing, 1)})
    return caches


def cpu_model() -> str:
    for line in read_or_empty(Path("/proc/cpuinfo")).splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def physical_cores() -> int:
    cores = {(read_or_empty(cpu / "topology/physical_package_id"),
              read_or_empty(cpu / "topology/core_id"))
             for cpu in Path("/sys/devices/system/cpu").glob("cpu[0-9]*")}
    return len(cores) or os.cpu_count() or 1


def last_level_bytes(caches: list[dict[str, Any]]) -> int:
    data = [c for c in caches if c["type"] != "Instruction"]
    return max(data, key=lambda c: c["level"])["size_bytes"] if data else 0


def private_cache_bytes(caches: list[dict[str, Any]]) -> int:
    """The largest data cache below the last level (bench/sweep.cpp quick_cpu_sizes)."""
    llc = last_level_bytes(caches)
    return max((c["size_bytes"] for c in caches
                if c["type"] != "Instruction" and c["size_bytes"] < llc), default=0)


def l1_data_bytes(caches: list[dict[str, Any]]) -> int:
    return next((c["size_bytes"] for c in caches if c["level"] == 1 and c["type"] == "Data"), 0)
