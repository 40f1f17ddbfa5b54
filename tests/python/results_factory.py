"""Writes realistic actbench results JSON for the script tests, without building actbench.

The documents follow the results contract (Google Benchmark's context and run entries plus
actbench's structured fields): several activations, implementations, dtypes, both directions,
a CPU and a GPU, sizes on both sides of the caches, 5 repetitions per case with their
mean/median/stddev/cv aggregates, skipped cases with reasons and a validation failure.
Times follow a simple roofline model (a fixed launch cost plus bytes over an achievable bandwidth
that is higher while the working set fits a cache) with seeded noise, so the charts look like real
ones and tests can reason about them.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np

CPU_CACHES = [{"level": 1, "type": "Data", "size_bytes": 32 * 1024},
              {"level": 2, "type": "Unified", "size_bytes": 1024 * 1024},
              {"level": 3, "type": "Unified", "size_bytes": 32 * 1024 * 1024}]
CPU_COPY_GBPS = {"1": 9.5, "2": 14.1}
# The copy samples taken around each case were slower than the run's fastest (its peak).
LOCAL_PEAK_SHARE = 0.8
GPU = {"index": 0, "name": "NVIDIA H100 80GB HBM3", "compute_capability_major": 9,
       "compute_capability_minor": 0, "sm_count": 132, "memory_bytes": 85_032_321_024,
       "l2_bytes": 52_428_800, "theoretical_bandwidth_gbps": 3352.0, "copy_bandwidth_gbps": 2900.0,
       "max_sm_clock_mhz": 1980, "max_memory_clock_mhz": 2619, "driver_version": "580.65",
       "runtime_version": "13.0"}

DTYPE_BYTES = {"f32": 4, "f64": 8, "f16": 2, "bf16": 2}
ACTIVATIONS = ("relu", "gelu", "sigmoid", "crelu")
DTYPES = ("f32", "bf16")
SIZES = (4096, 65536, 1 << 20, 16 << 20)
CHANNELS = 256
REPETITIONS = 5
THREADS = 2
# Fraction of the achievable bandwidth each implementation reaches (the model's only knob).
EFFICIENCY = {"naive": 0.45, "vectorised": 0.92, "inplace": 0.9, "fused_bias": 0.88,
              "unfused_bias": 0.5, "mask": 0.85, "onednn": 0.8, "cudnn": 0.7}
CPU_IMPLEMENTATIONS = ("naive", "vectorised", "inplace", "fused_bias", "unfused_bias", "mask",
                       "onednn")
GPU_IMPLEMENTATIONS = ("naive", "vectorised", "fused_bias", "cudnn")
# GEMM layers (M, N, K) at a fixed matmul rate; unfused_gemm adds one bias + activation pass.
GEMM_IMPLEMENTATIONS = ("fused_gemm", "unfused_gemm")
CPU_MATMUL_GFLOPS = 100.0


def _case_bytes(activation: str, direction: str, implementation: str, elements: int,
                dtype: str) -> int:
    """The minimum bytes a case moves, counted as DESIGN.md says."""
    size = DTYPE_BYTES[dtype]
    outputs = 2 if activation == "crelu" else 1
    if direction == "forward":
        moved = elements * size * (1 + outputs)
        if implementation == "mask":
            moved += (elements + 7) // 8
    elif implementation == "mask":
        moved = 2 * elements * size + (elements + 7) // 8
    else:
        moved = elements * size * (2 + outputs)
    if implementation in ("fused_bias", "unfused_bias"):
        moved += CHANNELS * size
    return moved


def _achievable_gbps(device: str, nbytes: int) -> float:
    if device == "cpu":
        peak = CPU_COPY_GBPS[str(THREADS)]
        if nbytes <= CPU_CACHES[1]["size_bytes"]:
            return peak * 3.0
        if nbytes <= CPU_CACHES[2]["size_bytes"]:
            return peak * 1.8
        return peak
    return GPU["copy_bandwidth_gbps"]


def _launch_seconds(device: str) -> float:
    return 2e-6 if device == "cpu" else 4e-6


def _supported(activation: str, implementation: str) -> str | None:
    """None when the case runs, else the reason actbench gives for skipping it."""
    if implementation == "inplace" and activation == "crelu":
        return "crelu writes twice the input's channels, so it cannot run in place"
    if implementation == "mask" and activation != "relu":
        return "the 1-bit mask backward exists for relu only"
    if implementation == "onednn" and activation == "crelu":
        return "oneDNN has no crelu eltwise algorithm"
    return None


def _layer_seconds(implementation: str, layer: tuple[int, int, int], dtype: str) -> float:
    m, n, k = layer
    seconds = _launch_seconds("cpu") + 2 * m * n * k / (CPU_MATMUL_GFLOPS * 1e9)
    if implementation == "unfused_gemm":
        y_bytes = 2 * m * n * DTYPE_BYTES[dtype]
        seconds += y_bytes / (_achievable_gbps("cpu", y_bytes) * EFFICIENCY["fused_bias"] * 1e9)
    return seconds


def _run_entries(activation: str, direction: str, implementation: str, device: str, dtype: str,
                 elements: int, rng: np.random.Generator,
                 layer: tuple[int, int, int] | None = None) -> list[dict[str, Any]]:
    peak = CPU_COPY_GBPS[str(THREADS)] if device == "cpu" else GPU["copy_bandwidth_gbps"]
    if layer is None:
        nbytes = _case_bytes(activation, direction, implementation, elements, dtype)
        ideal = _launch_seconds(device) + nbytes / (
            _achievable_gbps(device, nbytes) * EFFICIENCY[implementation] * 1e9)
        shape = [max(1, elements // CHANNELS), min(CHANNELS, elements)]
    else:
        m, n, k = layer
        nbytes = (m * k + k * n + n + m * n) * DTYPE_BYTES[dtype]
        ideal = _layer_seconds(implementation, layer, dtype)
        shape = list(layer)
    times_ns = ideal * 1e9 * (1.0 + np.abs(rng.normal(0.0, 0.01, REPETITIONS)))
    size = "x".join(map(str, layer)) if layer else str(elements)
    name = f"{activation}/{direction}/{implementation}/{device}/{dtype}/{size}"
    fields: dict[str, Any] = {
        "activation": activation, "direction": direction, "implementation": implementation,
        "device": device, "dtype": dtype, "input": "mixed", "shape": shape, "elements": elements,
        "bytes": nbytes, "peak_gbps": peak, "local_peak_gbps": peak * LOCAL_PEAK_SHARE, "threads": THREADS if device == "cpu" else 1,
        "validation": {"max_abs_error": 0.0, "max_rel_error": 1.2e-7, "max_ulp": 1.0,
                       "max_tolerance_used": 0.012,
                       "tolerance": {"abs": 1e-6, "rel": 1e-5}, "passed": True},
    }
    if layer is not None:
        fields["flop"] = 2 * layer[0] * layer[1] * layer[2]
        fields["peak_gflops"] = CPU_MATMUL_GFLOPS
    if device != "cpu":
        fields["l2"] = "cold"
    elif layer is None:
        fields["same_size_copy_gbps"] = _achievable_gbps(device, nbytes)
    if direction == "forward":
        fields["sparsity"] = 0.5 if activation in ("relu", "crelu") else 0.0
    base = {"name": name, "run_name": name, "repetitions": REPETITIONS,
            "iterations": 1000, "time_unit": "ns", **fields}

    def entry(real_ns: float, **extra: Any) -> dict[str, Any]:
        return {**base, "real_time": real_ns, "cpu_time": real_ns,
                "items_per_second": elements / (real_ns * 1e-9), **extra}

    def timed(real_ns: float, **extra: Any) -> dict[str, Any]:
        """An entry whose real_time is a time: it has a bandwidth."""
        gbps = nbytes / real_ns
        if "same_size_copy_gbps" in fields:
            extra["fraction_of_same_size_copy"] = gbps / fields["same_size_copy_gbps"]
        return entry(real_ns, gbps=gbps, fraction_of_peak=gbps / peak,
                     fraction_of_local_peak=gbps / (peak * LOCAL_PEAK_SHARE), **extra)

    entries = [timed(t, run_type="iteration", repetition_index=i)
               for i, t in enumerate(times_ns)]
    mean, stddev = float(np.mean(times_ns)), float(np.std(times_ns, ddof=1))
    for aggregate_name, value in (("mean", mean), ("median", float(np.median(times_ns)))):
        entries.append(timed(value, run_type="aggregate", aggregate_name=aggregate_name,
                             aggregate_unit="time", name=f"{name}_{aggregate_name}"))
    # Google Benchmark's stddev is a time but not a time per iteration; its cv is a ratio.
    entries.append(entry(stddev, run_type="aggregate", aggregate_name="stddev",
                         aggregate_unit="time", name=f"{name}_stddev"))
    entries.append(entry(stddev / mean, run_type="aggregate", aggregate_name="cv",
                         aggregate_unit="percentage", name=f"{name}_cv"))
    return entries


def make_results(*, devices: tuple[str, ...] = ("cpu", "cuda:0"),
                 activations: tuple[str, ...] = ACTIVATIONS, dtypes: tuple[str, ...] = DTYPES,
                 directions: tuple[str, ...] = ("forward", "backward"),
                 sizes: tuple[int, ...] = SIZES, layers: tuple[tuple[int, int, int], ...] = (),
                 seed: int = 0, host: str = "bench-host",
                 commit: str = "0123456789abcdef0123456789abcdef01234567",
                 date: str = "2025-11-23T07:00:00+00:00") -> dict[str, Any]:
    """A complete results document: every implementation of each device over the given
    activations, dtypes, directions and sizes, and on the CPU the GEMM layers (M, N, K)."""
    rng = np.random.default_rng(seed)
    benchmarks: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for device in devices:
        implementations = CPU_IMPLEMENTATIONS if device == "cpu" else GPU_IMPLEMENTATIONS
        for activation in activations:
            for direction in directions:
                for implementation in implementations:
                    for dtype in dtypes:
                        reason = _supported(activation, implementation)
                        if reason is not None:
                            skipped.append({"activation": activation, "direction": direction,
                                            "implementation": implementation, "device": device,
                                            "dtype": dtype, "reason": reason})
                            continue
                        for elements in sizes:
                            benchmarks += _run_entries(activation, direction, implementation,
                                                       device, dtype, elements, rng)
            for implementation in GEMM_IMPLEMENTATIONS if device == "cpu" else ():
                for dtype in dtypes:
                    for layer in layers:
                        benchmarks += _run_entries(activation, "forward", implementation, device,
                                                   dtype, layer[0] * layer[1], rng, layer)
    point = {"direction": "backward", "device": devices[0], "dtype": "f64", "input": "mixed",
             "shape": [16, CHANNELS], "elements": 16 * CHANNELS}
    failures = [
        {**point, "activation": "gelu", "implementation": "naive",
         "validation": {"max_abs_error": 3e-3, "max_rel_error": 2e-2, "max_ulp": 9.1e12,
                        "max_tolerance_used": 2.7e8,
                        "tolerance": {"abs": 1e-12, "rel": 1e-10}, "passed": False,
                        "mismatches": 12,
                        "first_mismatch": "element 3: got 0.1, expected 0.103"}},
        {**point, "activation": "sigmoid", "implementation": "vectorised",
         "error": "the case threw while it was timed: out of memory"}]
    gpus = [GPU] if any(d.startswith("cuda") for d in devices) else []
    context = {
        "date": date, "host_name": host, "executable": "./build/bench/actbench",
        "num_cpus": THREADS, "mhz_per_cpu": 3000, "cpu_scaling_enabled": False,
        "caches": [{"type": c["type"], "level": c["level"], "size": c["size_bytes"],
                    "num_sharing": 1 if c["level"] < 3 else THREADS} for c in CPU_CACHES],
        "load_avg": [0.1, 0.2, 0.3], "library_build_type": "release",
        "actbench": {
            "schema_version": 1, "version": "0.1.0", "git_commit": commit, "build_type": "Release",
            "compiler": "GNU 12.2.0", "command_line": "actbench --quick",
            "cpu": {"model": "Intel(R) Xeon(R) Platinum 8480+", "vector_isa": "AVX2",
                    "cores": THREADS, "threads": THREADS, "caches": CPU_CACHES,
                    "copy_bandwidth_gbps": CPU_COPY_GBPS},
            "gpus": gpus,
            "libraries": {"google_benchmark": "1.7.1", "onednn": "2.6.3",
                          **({"cuda_runtime": "13.0", "cudnn": "9.13.0"} if gpus else {})},
            "methodology": {"input_seed": 1, "repetitions": REPETITIONS, "cpu_min_seconds": 0.01,
                            "gpu_sampling": {"min_seconds": 0.01, "max_seconds": 0.1,
                                             "max_noise": 0.005, "min_samples": 5}},
        },
    }
    # A copy, so that a test that edits its document edits nothing shared.
    return copy.deepcopy({"context": context, "benchmarks": benchmarks, "skipped": skipped,
                          "failures": failures})


def slow_down(document: dict[str, Any], activation: str, factor: float) -> dict[str, Any]:
    """A copy in which every case of one activation takes `factor` times as long."""
    slowed = copy.deepcopy(document)
    for entry in slowed["benchmarks"]:
        if entry.get("activation") != activation or entry.get("aggregate_name") == "cv":
            continue
        for time_field in ("real_time", "cpu_time"):
            entry[time_field] *= factor
        for rate_field in ("gbps", "fraction_of_peak", "fraction_of_local_peak", "items_per_second"):
            if rate_field in entry:
                entry[rate_field] /= factor
    return slowed


def make_curves(points: int = 241) -> dict[str, Any]:
    """A --dump-curves document: each activation and its derivative over [-6, 6]."""
    x = np.linspace(-6.0, 6.0, points)
    sigmoid = 1.0 / (1.0 + np.exp(-x))
    curves = {
        "relu": (np.maximum(x, 0.0), (x > 0).astype(float)),
        "sigmoid": (sigmoid, sigmoid * (1.0 - sigmoid)),
        "tanh": (np.tanh(x), 1.0 - np.tanh(x) ** 2),
        "silu": (x * sigmoid, sigmoid * (1.0 + x * (1.0 - sigmoid))),
    }
    return {"x": x.tolist(),
            "activations": {name: {"forward": f.tolist(), "derivative": d.tolist()}
                            for name, (f, d) in curves.items()}}


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
