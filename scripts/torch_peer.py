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

import functools
import signal
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from activation_reference import (backward_reference, compare, error_scale, forward_reference,
                                  output_sources)
from actbench_cases import (DY_SEED_SALT, INPUT_SEED, default_cpu_sizes, default_gpu_sizes,
                            make_inputs, minimum_bytes, output_factor, prelu_slopes,
                            quick_cpu_sizes, quick_gpu_sizes, shape_for, tolerance_for)
from actbench_results import (ResultsError, check_results_document, format_elements,
                              format_seconds, run_cli)
from host_cpu import cpu_caches, l1_data_bytes, last_level_bytes, private_cache_bytes
from torch_activations import TORCH_ACTIVATIONS
from torch_peer_context import context, write_atomically
from torch_peer_options import Options, UsageError, parse_options
from torch_timing import (Methodology, cpu_copy_gbps, gpu_copy_gbps, methodology_for, time_cpu,
                          time_gpu)

IMPLEMENTATION = "torch"
TORCH_DTYPES = {"f32": torch.float32, "f64": torch.float64, "f16": torch.float16,
                "bf16": torch.bfloat16}
NO_GPU_REASON = "no CUDA device visible to torch"


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
            times, iterations, faults = time_cpu(operands.run, methodology)
            extra["page_faults_per_call"] = faults
        else:
            times, iterations, noise = time_gpu(operands.run, point.device, methodology)
            extra.update(samples=iterations, noise=noise)
            threads = 1
    except (RuntimeError, NotImplementedError, MemoryError) as error:  # unsupported dtype, OOM
        return Outcome([], {**point.fields(), "error": f"{type(error).__name__}: "
                                                       f"{str(error).splitlines()[0]}"})
    return Outcome(benchmark_entries(point, times, iterations, peak, threads, extra), None)


# --- The run --------------------------------------------------------------------------------------

def sizes_for(device: str, options: Options, caches: list[dict[str, Any]]) -> list[int]:
    if options.sizes is not None:
        return options.sizes
    if device == "cpu":
        llc = last_level_bytes(caches)
        return (quick_cpu_sizes(private_cache_bytes(caches), llc) if options.quick
                else default_cpu_sizes(l1_data_bytes(caches), llc, options.dtypes))
    l2 = torch.cuda.get_device_properties(device).L2_cache_size
    return quick_gpu_sizes(l2) if options.quick else default_gpu_sizes(l2, options.dtypes)


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
            options = parse_options(sys.argv[1:] if argv is None else argv, __doc__)
        except UsageError as error:
            raise ResultsError(str(error)) from None
        return run(options)
    return run_cli("torch_peer.py", body)


if __name__ == "__main__":
    sys.exit(main())
