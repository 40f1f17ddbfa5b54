#!/usr/bin/env python3
"""Times PyTorch's own activations the way actbench times its kernels, and writes actbench results
JSON (implementation "torch") that plot.py, compare.py and report.py read next to actbench's.

Same cases (activation x direction x dtype x size x input), same shapes ([rows, gcd(n, 256)]), the
same minimum bytes, the same float64 reference and tolerances (a case that fails is recorded and not
timed), and the same methodology: on the CPU, wall clock over repetitions of at least a minimum time
at the requested thread count; on a GPU, CUDA events around each launch, L2 evicted before each
sample by writing a buffer of twice its size, and actbench's noise-based stop rule.

Examples:
  torch_peer.py --quick --devices=cpu
  torch_peer.py --activations=relu,gelu --dtypes=f32,bf16 --sizes=64K,16M --devices=cpu,cuda
  torch_peer.py --directions=backward --inputs=mixed,dead90 --threads=2 --out=results/torch.json

Exit codes: 0 every case passed validation; 1 a case failed validation (recorded, not timed; the
results are still written); 2 usage error (one line; nothing ran, no results file); 3 a case raised
while running (recorded under failures; the results are still written); 4 interrupted by SIGINT or
SIGTERM: the point under way finished, no other started, and the points measured went to --out
with its ".json" replaced by ".interrupted.json" (context.actbench.interrupted names the signal
and the points not run); --out itself is left as it was.
"""
from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from activation_reference import (LEAKY_SLOPE, RELU6_CEILING, SELU_ALPHA, SELU_LAMBDA,
                                  backward_reference, compare, error_scale, forward_reference,
                                  output_sources)
from actbench_cases import (ACTIVATIONS, DIRECTIONS, DTYPES, DY_SEED_SALT, INPUT_SEED, INPUTS,
                            default_cpu_sizes, default_gpu_sizes, make_inputs,
                            minimum_bytes, output_factor, prelu_slopes, quick_cpu_sizes,
                            quick_gpu_sizes, shape_for, tolerance_for)
from actbench_results import (ArgumentParser, ResultsError, check_results_document,
                              format_elements, format_seconds, run_cli)

IMPLEMENTATION = "torch"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "results" / "torch-latest.json"
TORCH_DTYPES = {"f32": torch.float32, "f64": torch.float64, "f16": torch.float16,
                "bf16": torch.bfloat16}
SIZE_SUFFIXES = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
NO_GPU_REASON = "no CUDA device visible to torch"
# bench/peaks.cpp and harness/cpu_copy_bandwidth.cpp: copies that stream through DRAM / HBM.
CPU_COPY_MIN_BYTES = 64 << 20
GPU_COPY_MIN_BYTES = 256 << 20
COPY_PASSES = 5
# harness/cuda/gpu_sampler.cpp: writing twice L2 leaves none of the case's lines in it.
FLUSH_L2_MULTIPLE = 2


@dataclass(frozen=True)
class GpuSampling:
    min_seconds: float
    max_seconds: float
    max_noise: float
    min_samples: int


@dataclass(frozen=True)
class Methodology:
    repetitions: int
    cpu_min_seconds: float
    gpu: GpuSampling


def methodology_for(quick: bool) -> Methodology:
    """bench/methodology.cpp, unchanged: the same repetitions, minimum times and GPU stop rule."""
    return Methodology(repetitions=3 if quick else 5, cpu_min_seconds=0.01 if quick else 0.1,
                       gpu=GpuSampling(min_seconds=0.01 if quick else 0.1,
                                       max_seconds=0.1 if quick else 1.5, max_noise=0.005,
                                       min_samples=5 if quick else 10))


# --- PyTorch's activations ------------------------------------------------------------------------

@dataclass(frozen=True)
class TorchActivation:
    forward: Callable[[torch.Tensor, torch.Tensor | None], torch.Tensor]
    # backward(saved, dy, slope) -> dx, where saved is x, or y for the ops whose autograd saves y.
    backward: Callable[[torch.Tensor, torch.Tensor, torch.Tensor | None], torch.Tensor]
    saves_output: bool = False


aten = torch.ops.aten


def _crelu(x: torch.Tensor) -> torch.Tensor:
    return torch.cat([torch.relu(x), torch.relu(-x)], dim=1)


def _crelu_backward(y: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    # What autograd runs for cat(relu(x), relu(-x)) (relu's backward reads its saved output), with
    # its neg and add merged into one subtraction.
    lo, hi = y.chunk(2, dim=1)
    dy_lo, dy_hi = dy.chunk(2, dim=1)
    return aten.threshold_backward(dy_lo, lo, 0) - aten.threshold_backward(dy_hi, hi, 0)


# Backward runs the functional ops that autograd dispatches to, on the tensors autograd saves:
# timing torch.autograd.grad instead would add the engine's per-call graph walk (tens of
# microseconds on a CPU), which swamps the small sizes and is not the activation's cost.
# PReLU's backward op also writes the per-element slope gradient autograd then reduces: PyTorch has
# no input-only PReLU backward. Outputs are allocated by the ops, as a user of these functions gets
# them (the caching allocator makes that free on a GPU; large CPU outputs pay their page faults).
TORCH_ACTIVATIONS: dict[str, TorchActivation] = {
    "relu": TorchActivation(lambda x, _: torch.relu(x),
                            lambda y, dy, _: aten.threshold_backward(dy, y, 0), saves_output=True),
    "leaky_relu": TorchActivation(
        lambda x, _: F.leaky_relu(x, LEAKY_SLOPE),
        lambda x, dy, _: aten.leaky_relu_backward(dy, x, LEAKY_SLOPE, False)),
    "prelu": TorchActivation(F.prelu,
                             lambda x, dy, slope: aten._prelu_kernel_backward(dy, x, slope)[0]),
    "elu": TorchActivation(lambda x, _: F.elu(x),
                           lambda x, dy, _: aten.elu_backward(dy, 1.0, 1.0, 1.0, False, x)),
    # selu(x) = scale * elu(x, alpha): autograd runs elu_backward with selu's constants.
    "selu": TorchActivation(
        lambda x, _: F.selu(x),
        lambda x, dy, _: aten.elu_backward(dy, SELU_ALPHA, SELU_LAMBDA, 1.0, False, x)),
    "crelu": TorchActivation(lambda x, _: _crelu(x), lambda y, dy, _: _crelu_backward(y, dy),
                             saves_output=True),
    "relu6": TorchActivation(lambda x, _: F.relu6(x),
                             lambda x, dy, _: aten.hardtanh_backward(dy, x, 0.0, RELU6_CEILING)),
    "gelu": TorchActivation(lambda x, _: F.gelu(x, approximate="none"),
                            lambda x, dy, _: aten.gelu_backward(dy, x, approximate="none")),
    "gelu_tanh": TorchActivation(lambda x, _: F.gelu(x, approximate="tanh"),
                                 lambda x, dy, _: aten.gelu_backward(dy, x, approximate="tanh")),
    "silu": TorchActivation(lambda x, _: F.silu(x), lambda x, dy, _: aten.silu_backward(dy, x)),
    "sigmoid": TorchActivation(lambda x, _: torch.sigmoid(x),
                               lambda y, dy, _: aten.sigmoid_backward(dy, y), saves_output=True),
    "tanh": TorchActivation(lambda x, _: torch.tanh(x),
                            lambda y, dy, _: aten.tanh_backward(dy, y), saves_output=True),
}


# --- Command line ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Options:
    activations: list[str]
    dtypes: list[str]
    directions: list[str]
    devices: list[str]          # "cpu" and "cuda:N"; "cuda" when asked for with no GPU visible
    sizes: list[int] | None     # None: actbench's default (or quick) ladder per device
    inputs: list[str]
    quick: bool
    out: Path
    threads: int
    command_line: str


class UsageError(Exception):
    """A bad flag value: one line, exit status 2, nothing run."""


def parse_list(flag: str, value: str, accepted: tuple[str, ...], what: str) -> list[str]:
    items = value.split(",")
    for item in items:
        if item not in accepted:
            raise UsageError(f"unknown {what} '{item}' in --{flag} "
                             f"(accepted: {', '.join(accepted)})")
    return list(dict.fromkeys(items))


def parse_size(text: str) -> int:
    match = re.fullmatch(r"([0-9]+)([KMG]?)", text)
    count = int(match.group(1)) * SIZE_SUFFIXES.get(match.group(2), 1) if match else 0
    if count < 1:
        raise UsageError(f"size '{text}' in --sizes is not a positive element count (accepted: a "
                         "positive element count, with an optional K, M or G suffix for 2^10, "
                         "2^20, 2^30)")
    return count


def parse_devices(value: str) -> list[str]:
    """cpu, cuda (every visible GPU) and cuda:N; cuda stays "cuda" when torch sees no GPU."""
    visible = torch.cuda.device_count() if torch.cuda.is_available() else 0
    devices: list[str] = []
    for item in value.split(","):
        index = re.fullmatch(r"cuda:([0-9]+)", item)
        if item == "cpu":
            devices.append("cpu")
        elif item == "cuda" or (index and visible == 0):
            devices += [f"cuda:{i}" for i in range(visible)] or ["cuda"]
        elif index and int(index.group(1)) < visible:
            devices.append(item)
        elif index:
            raise UsageError(f"device '{item}' in --devices does not exist (accepted: cuda:0 to "
                             f"cuda:{visible - 1})")
        else:
            raise UsageError(f"unknown device '{item}' in --devices (accepted: cpu, cuda, cuda:N)")
    return list(dict.fromkeys(devices))


def parse_threads(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise UsageError(f"--threads={text} is not a thread count: give an integer of at least 1")
    return int(text)


def parse_out(text: str) -> Path:
    if not text:
        raise UsageError("--out is empty: give the results file, e.g. --out=results/torch.json")
    out = Path(text)
    if not out.parent.resolve().is_dir():
        raise UsageError(f"--out={text}: directory {out.parent} does not exist")
    return out


def argument_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="torch_peer.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n\n")[0] + "\n\n" + __doc__.split("\n\n")[1],
        epilog="\n\n".join(__doc__.split("\n\n")[2:]))
    parser.add_argument("--activations", default=",".join(ACTIVATIONS),
                        help=f"comma-separated: {', '.join(ACTIVATIONS)} (default: all)")
    parser.add_argument("--dtypes", help="comma-separated: f32, f64, f16, bf16 (default: all; "
                                         "f32 with --quick)")
    parser.add_argument("--directions", default="forward,backward",
                        help="comma-separated: forward, backward (default: both)")
    parser.add_argument("--devices", default="cpu,cuda",
                        help="comma-separated: cpu, cuda (every visible GPU), cuda:N (default: "
                             "cpu,cuda; cuda cases are skipped when torch sees no GPU)")
    parser.add_argument("--sizes", help="element counts; K, M, G are powers of two (4K = 4096). "
                                        "Default: actbench's ladder for each device")
    parser.add_argument("--inputs", default="mixed",
                        help=f"input distributions: {', '.join(INPUTS)} (default: mixed)")
    parser.add_argument("--quick", action="store_true",
                        help="actbench's quick sweep: f32 unless --dtypes, two sizes per device, "
                             "3 repetitions")
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help="results JSON (default: results/torch-latest.json); written to a "
                             "temporary file and renamed")
    parser.add_argument("--threads", default=str(len(os.sched_getaffinity(0))),
                        help="CPU threads, torch.set_num_threads (default: every CPU this process "
                             "may use)")
    return parser


def parse_options(argv: list[str]) -> Options:
    args = argument_parser().parse_args(argv)
    dtypes = (parse_list("dtypes", args.dtypes, DTYPES, "dtype") if args.dtypes
              else ["f32"] if args.quick else list(DTYPES))
    return Options(
        activations=parse_list("activations", args.activations, ACTIVATIONS, "activation"),
        dtypes=dtypes,
        directions=parse_list("directions", args.directions, DIRECTIONS, "direction"),
        devices=parse_devices(args.devices),
        sizes=[parse_size(s) for s in args.sizes.split(",")] if args.sizes is not None else None,
        inputs=parse_list("inputs", args.inputs, INPUTS, "input distribution"),
        quick=args.quick, out=parse_out(args.out), threads=parse_threads(args.threads),
        command_line=" ".join(["torch_peer.py", *argv]))


# --- The machine ----------------------------------------------------------------------------------

def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def cpu_caches() -> list[dict[str, Any]]:
    """CPU 0's caches from sysfs: level, type, size in bytes and how many CPUs share each."""
    caches = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index[0-9]*")):
        size = re.fullmatch(r"([0-9]+)([KMG]?)", _read(index / "size"))
        if not size:
            continue
        sharing = 0
        for part in _read(index / "shared_cpu_list").split(","):
            low, _, high = part.partition("-")
            sharing += int(high or low) - int(low) + 1 if low else 0
        caches.append({"level": int(_read(index / "level")), "type": _read(index / "type"),
                       "size_bytes": int(size.group(1)) * SIZE_SUFFIXES.get(size.group(2), 1),
                       "num_sharing": max(sharing, 1)})
    return caches


def cpu_model() -> str:
    for line in _read(Path("/proc/cpuinfo")).splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def physical_cores() -> int:
    cores = {(_read(cpu / "topology/physical_package_id"), _read(cpu / "topology/core_id"))
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


def sizes_for(device: str, options: Options, caches: list[dict[str, Any]]) -> list[int]:
    if options.sizes is not None:
        return options.sizes
    if device == "cpu":
        llc = last_level_bytes(caches)
        return (quick_cpu_sizes(private_cache_bytes(caches), llc) if options.quick
                else default_cpu_sizes(l1_data_bytes(caches), llc, options.dtypes))
    l2 = torch.cuda.get_device_properties(device).L2_cache_size
    return quick_gpu_sizes(l2) if options.quick else default_gpu_sizes(l2, options.dtypes)


# --- Timing ---------------------------------------------------------------------------------------

def _batch_seconds(run: Callable[[], Any], iterations: int) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        run()
    return time.perf_counter() - start


def time_cpu(run: Callable[[], Any], methodology: Methodology) -> tuple[list[float], int]:
    """Seconds per call for each repetition, and the calls per repetition: grown, as Google
    Benchmark does, until one batch lasts the minimum time (the growing batches warm up)."""
    iterations = 1
    while (elapsed := _batch_seconds(run, iterations)) < methodology.cpu_min_seconds:
        growth = methodology.cpu_min_seconds * 1.4 / max(elapsed, 1e-9)
        iterations = max(iterations + 1, int(iterations * min(growth, 10.0)))
    times = [_batch_seconds(run, iterations) / iterations for _ in range(methodology.repetitions)]
    return times, iterations


def _gpu_sample(run: Callable[[], Any], flush: torch.Tensor, value: int) -> float:
    """One cold-L2 launch: the flush write goes before the start event, outside the timed region."""
    flush.fill_(value)
    return _event_seconds(run)


def _event_seconds(run: Callable[[], Any]) -> float:
    """CUDA events around one call on the current stream."""
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    run()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop) * 1e-3


def _gpu_repetition(run: Callable[[], Any], flush: torch.Tensor,
                    limits: GpuSampling) -> list[float]:
    """Samples until the mean is known to max_noise (relative standard error) after min_seconds
    and min_samples, or max_seconds have passed (bench/gpu_measurement.cpp)."""
    samples: list[float] = []
    begin = time.perf_counter()
    while True:
        samples.append(_gpu_sample(run, flush, len(samples) % 255 + 1))
        elapsed = time.perf_counter() - begin
        if elapsed >= limits.max_seconds:
            return samples
        if (elapsed >= limits.min_seconds and len(samples) >= max(limits.min_samples, 2)
                and statistics.stdev(samples) / statistics.mean(samples) / len(samples) ** 0.5
                < limits.max_noise):
            return samples


def time_gpu(run: Callable[[], Any], device: str, methodology: Methodology
             ) -> tuple[list[float], int, float]:
    """Median seconds per launch of each repetition, the samples of the last, and their noise."""
    flush = torch.empty(FLUSH_L2_MULTIPLE * torch.cuda.get_device_properties(device).L2_cache_size,
                        dtype=torch.uint8, device=device)
    times, samples = [], []
    with torch.cuda.device(device):  # the events go on the stream the device's ops run on
        run()  # warm-up: first-launch costs stay out of the samples
        torch.cuda.synchronize()
        for _ in range(methodology.repetitions):
            samples = _gpu_repetition(run, flush, methodology.gpu)
            times.append(statistics.median(samples))
    noise = statistics.stdev(samples) / statistics.mean(samples) if len(samples) > 1 else 0.0
    return times, len(samples), noise


def cpu_copy_gbps(llc_bytes: int) -> float:
    """A torch copy at DRAM size with the run's threads: (read + write) bytes / median time."""
    nbytes = max(4 * llc_bytes, CPU_COPY_MIN_BYTES)
    source = torch.ones(nbytes, dtype=torch.uint8)
    target = torch.zeros_like(source)
    target.copy_(source)  # first touch of the pages, outside the timed passes
    seconds = statistics.median(_batch_seconds(lambda: target.copy_(source), 1)
                                for _ in range(COPY_PASSES))
    return 2.0 * nbytes / seconds / 1e9


def gpu_copy_gbps(device: str) -> float:
    """A device-to-device copy of at least 8x L2 (256 MiB), at most a quarter of free memory."""
    free, _ = torch.cuda.mem_get_info(device)
    l2 = torch.cuda.get_device_properties(device).L2_cache_size
    nbytes = min(max(8 * l2, GPU_COPY_MIN_BYTES), free // 4)
    source = torch.ones(nbytes, dtype=torch.uint8, device=device)
    target = torch.empty_like(source)
    target.copy_(source)
    with torch.cuda.device(device):
        times = [_event_seconds(lambda: target.copy_(source)) for _ in range(COPY_PASSES)]
    return 2.0 * nbytes / statistics.median(times) / 1e9


# --- One point ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    activation: str
    direction: str
    device: str
    dtype: str
    input: str
    elements: int

    @property
    def shape(self) -> tuple[int, int]:
        return shape_for(self.elements)

    @property
    def name(self) -> str:
        name = (f"{self.activation}/{self.direction}/{IMPLEMENTATION}/{self.device}/{self.dtype}/"
                f"{self.elements}/{self.input}")
        return name + "/cold" if self.device.startswith("cuda") else name

    def fields(self) -> dict[str, Any]:
        """The fields naming the point in benchmark entries and failures."""
        fields = {"activation": self.activation, "direction": self.direction,
                  "implementation": IMPLEMENTATION, "device": self.device, "dtype": self.dtype,
                  "input": self.input, "shape": list(self.shape), "elements": self.elements}
        if self.device.startswith("cuda"):
            fields["l2"] = "cold"
        return fields


@dataclass
class Operands:
    """A point's tensors on its device, and the float64 values they hold (what the reference
    reads: the inputs after rounding to the dtype), as numpy arrays for the CPU and as tensors on
    a GPU, where the reference and the comparison then run."""
    x: Any
    dy: Any
    slope: Any
    run: Callable[[], torch.Tensor]


def _float64_values(tensor: torch.Tensor) -> Any:
    exact = tensor.to(torch.float64)
    return exact.numpy() if exact.device.type == "cpu" else exact


def _on_device(values: Any, device: str, dtype: str) -> tuple[torch.Tensor, Any]:
    tensor = torch.from_numpy(values).to(device=device, dtype=TORCH_DTYPES[dtype])
    return tensor, _float64_values(tensor)


# The points of one (size, input, dtype) run one after another (points_for), so their inputs are
# drawn and copied to the device once: x, dy, and CReLU's dy of 2n. No op writes its inputs, so
# the points can share them.
@functools.lru_cache(maxsize=3)
def _operand(kind: str, rows: int, columns: int, seed: int, device: str,
             dtype: str) -> tuple[torch.Tensor, Any]:
    return _on_device(make_inputs(kind, rows * columns, seed).reshape(rows, columns), device,
                      dtype)


@functools.lru_cache(maxsize=1)
def _slopes(channels: int, device: str, dtype: str) -> tuple[torch.Tensor, Any]:
    return _on_device(prelu_slopes(channels, INPUT_SEED), device, dtype)


def prepare(point: Point) -> Operands:
    """Seeded inputs as actbench makes them, and the call to time: backward's saved tensor is
    computed here, outside the timed region, as autograd does in the forward pass."""
    rows, channels = point.shape
    activation = TORCH_ACTIVATIONS[point.activation]
    on = (point.device, point.dtype)
    x, x_values = _operand(point.input, rows, channels, INPUT_SEED, *on)
    slope, slope_values = (_slopes(channels, *on) if point.activation == "prelu"
                           else (None, None))
    if point.direction == "forward":
        return Operands(x_values, None, slope_values, lambda: activation.forward(x, slope))
    width = channels * output_factor(point.activation)
    dy, dy_values = _operand("mixed", rows, width, INPUT_SEED ^ DY_SEED_SALT, *on)
    saved = activation.forward(x, slope) if activation.saves_output else x
    return Operands(x_values, dy_values, slope_values,
                    lambda: activation.backward(saved, dy, slope))


def validate(point: Point, operands: Operands, output: torch.Tensor) -> dict[str, Any]:
    got = _float64_values(output)
    tolerance = tolerance_for(point.activation, point.direction, point.dtype)
    if point.direction == "forward":
        want = forward_reference(point.activation, operands.x, operands.slope)
    else:
        want = backward_reference(point.activation, operands.x, operands.dy, operands.slope)
    return compare(got, want, output_sources(point.activation, point.direction, operands.x),
                   tolerance, error_scale(point.activation, point.direction, operands.dy),
                   point.dtype, "y" if point.direction == "forward" else "dx")


def _time_entry(base: dict[str, Any], seconds: float, nbytes: int, peak: float,
                **extra: Any) -> dict[str, Any]:
    """An entry whose real_time is a time per call: it has a bandwidth."""
    gbps = nbytes / seconds / 1e9
    return {**base, "real_time": seconds * 1e9, "cpu_time": seconds * 1e9,
            "items_per_second": base["elements"] / seconds, "gbps": gbps,
            "fraction_of_peak": gbps / peak, **extra}


def benchmark_entries(point: Point, times: list[float], iterations: int, peak: float,
                      threads: int, extra: dict[str, Any]) -> list[dict[str, Any]]:
    """Google Benchmark's entries for one point: each repetition, then mean, median, stddev, cv."""
    nbytes = minimum_bytes(point.activation, point.direction, point.dtype, point.elements)
    base = {"name": point.name, "run_name": point.name, "repetitions": len(times),
            "threads": threads, "iterations": iterations, "time_unit": "ns", **point.fields(),
            "bytes": nbytes, "peak_gbps": peak, **extra}
    entries = [_time_entry(base, t, nbytes, peak, run_type="iteration", repetition_index=i)
               for i, t in enumerate(times)]
    mean = statistics.mean(times)
    for aggregate, seconds in (("mean", mean), ("median", statistics.median(times))):
        entries.append(_time_entry(base, seconds, nbytes, peak, run_type="aggregate",
                                   aggregate_name=aggregate, aggregate_unit="time",
                                   name=f"{point.name}_{aggregate}"))
    stddev = statistics.stdev(times) if len(times) > 1 else 0.0
    # As Google Benchmark: stddev is a time but not per call, cv a ratio; neither has a bandwidth.
    for aggregate, value, unit in (("stddev", stddev * 1e9, "time"),
                                   ("cv", stddev / mean, "percentage")):
        entries.append({**base, "run_type": "aggregate", "aggregate_name": aggregate,
                        "aggregate_unit": unit, "name": f"{point.name}_{aggregate}",
                        "real_time": value, "cpu_time": value})
    return entries


@dataclass
class Outcome:
    entries: list[dict[str, Any]]
    failure: dict[str, Any] | None


def run_point(point: Point, methodology: Methodology, peak: float, threads: int) -> Outcome:
    """Run once, validate against the float64 reference, and time only a point that passed."""
    try:
        operands = prepare(point)
        output = operands.run()
        validation = validate(point, operands, output)
        if not validation["passed"]:
            return Outcome([], {**point.fields(), "validation": validation})
        extra: dict[str, Any] = {"validation": validation}
        if point.direction == "forward":
            extra["sparsity"] = float((output == 0).sum().item()) / output.numel()
        if point.device == "cpu":
            times, iterations = time_cpu(operands.run, methodology)
        else:
            times, iterations, noise = time_gpu(operands.run, point.device, methodology)
            extra.update(samples=iterations, noise=noise)
            threads = 1
    except (RuntimeError, NotImplementedError, MemoryError) as error:  # unsupported dtype, OOM
        return Outcome([], {**point.fields(), "error": f"{type(error).__name__}: "
                                                       f"{str(error).splitlines()[0]}"})
    return Outcome(benchmark_entries(point, times, iterations, peak, threads, extra), None)


# --- The results document -------------------------------------------------------------------------

def project_version() -> str:
    match = re.search(r"project\(actbench VERSION ([0-9.]+)", _read(REPO / "CMakeLists.txt"))
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
    match = re.search(r"Kernel Module\s+([0-9.]+)", _read(Path("/proc/driver/nvidia/version")))
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
        "executable": str(Path(__file__).resolve().relative_to(REPO)),
        "num_cpus": os.cpu_count() or threads, "library_build_type": "release",
        "caches": [{"type": c["type"], "level": c["level"], "size": c["size_bytes"],
                    "num_sharing": c["num_sharing"]} for c in caches],
        "load_avg": list(os.getloadavg()),
        "actbench": {
            "schema_version": 1, "version": project_version(), "git_commit": git_commit(),
            "build_type": f"torch {torch.__version__}",
            "compiler": f"Python {platform.python_version()}",
            "command_line": options.command_line, "cpu": cpu,
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


# --- The run --------------------------------------------------------------------------------------

def points_for(device: str, options: Options, caches: list[dict[str, Any]]) -> list[Point]:
    """The activations innermost: the points of one (size, input, dtype) share their inputs."""
    return [Point(a, d, device, t, i, n) for d in options.directions for t in options.dtypes
            for n in sizes_for(device, options, caches) for i in options.inputs
            for a in options.activations]


def skipped_without_gpu(options: Options) -> list[dict[str, Any]]:
    return [{"activation": a, "direction": d, "implementation": IMPLEMENTATION, "device": "cuda",
             "dtype": t, "reason": NO_GPU_REASON}
            for a in options.activations for d in options.directions for t in options.dtypes]


def console_line(point: Point, entries: list[dict[str, Any]],
                 failure: dict[str, Any] | None) -> str:
    head = (f"{point.activation:<11} {point.direction:<9} {point.device:<7} {point.dtype:<5} "
            f"{point.input:<8} {format_elements(point.elements):>6}")
    if failure is not None:
        why = failure.get("error") or failure["validation"]["first_mismatch"]
        return f"{head}  FAILED: {why}"
    median = next(e for e in entries if e.get("aggregate_name") == "median")
    return (f"{head} {format_seconds(median['real_time'] * 1e-9):>10} {median['gbps']:9.2f} GB/s "
            f"{100 * median['fraction_of_peak']:7.1f}%")


class Interruption:
    """SIGINT and SIGTERM while the points run: the point under way finishes and no other starts
    (a second signal stops that point too), so that what was measured can be written."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interruption:
        for number in (signal.SIGINT, signal.SIGTERM):
            self._previous[number] = signal.signal(number, self._note)
        return self

    def __exit__(self, *_: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _note(self, number: int, _frame: object) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signal.Signals(number).name


def interrupted_path(out: Path) -> Path:
    """Where an interrupted run writes, as actbench does: beside --out, never over it."""
    ends_in_json = out.name.endswith(".json") and out.name != ".json"  # bench/interrupt.cpp's rule
    stem = out.name[:-len(".json")] if ends_in_json else out.name
    return out.with_name(f"{stem}.interrupted.json")


def run(options: Options) -> int:
    torch.set_num_threads(options.threads)
    methodology = methodology_for(options.quick)
    caches = cpu_caches()
    skipped: list[dict[str, Any]] = []
    if "cuda" in options.devices:
        print(f"torch_peer.py: {NO_GPU_REASON}: skipping the cuda cases", file=sys.stderr)
        skipped = skipped_without_gpu(options)
    devices = [d for d in options.devices if d != "cuda"]
    points = [p for d in devices for p in points_for(d, options, caches)]
    benchmarks: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    measured = 0
    with Interruption() as interruption:
        peaks = {d: cpu_copy_gbps(last_level_bytes(caches)) if d == "cpu" else gpu_copy_gbps(d)
                 for d in devices}
        # Before the points: a context that cannot be built must not cost their minutes.
        document = {"context": context(options, caches, peaks, methodology),
                    "benchmarks": benchmarks, "skipped": skipped, "failures": failures}
        try:
            for point in points:
                if interruption.signal:
                    break
                threads = options.threads if point.device == "cpu" else 1
                outcome = run_point(point, methodology, peaks[point.device], threads)
                benchmarks += outcome.entries
                failures += [outcome.failure] if outcome.failure else []
                measured += 1
                print(console_line(point, outcome.entries, outcome.failure), flush=True)
        except KeyboardInterrupt:  # a second signal: the point under way is dropped too
            interruption.signal = interruption.signal or "SIGINT"
    out = options.out
    if interruption.signal:
        document["context"]["actbench"]["interrupted"] = {
            "signal": interruption.signal, "points_not_run": len(points) - measured}
        out = interrupted_path(options.out)
    check_results_document(out, document)  # what we write, the scripts must read
    write_atomically(out, document)
    timed = len({e["name"] for e in benchmarks if e["run_type"] == "iteration"})
    print(f"{timed} points timed, {len(skipped)} skipped, {len(failures)} failed")
    if interruption.signal:
        print(f"torch_peer.py: interrupted by {interruption.signal}: {len(points) - measured} of "
              f"{len(points)} points not run; wrote the others to {out}", file=sys.stderr)
        return 4
    if any("error" in f for f in failures):
        return 3
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    def body() -> int:
        try:
            options = parse_options(sys.argv[1:] if argv is None else argv)
        except UsageError as error:
            raise ResultsError(str(error)) from None
        return run(options)
    return run_cli("torch_peer.py", body)


if __name__ == "__main__":
    sys.exit(main())
