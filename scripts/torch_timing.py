"""How torch_peer.py times a call and measures the copy it is set against, with actbench's
methodology: repetitions of a minimum time on the CPU; CUDA events, a cold L2 and the noise-based
stop rule on a GPU."""
from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

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


def _batch_seconds(run: Callable[[], Any], iterations: int) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        run()
    return time.perf_counter() - start


def _minor_page_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def time_cpu(run: Callable[[], Any], methodology: Methodology) -> tuple[list[float], int, float]:
    """Seconds per call for each repetition, the calls per repetition (grown, as Google Benchmark
    does, until one batch lasts the minimum time; the growing batches warm up), and the minor page
    faults per timed call: torch allocates its output on every call, and where the allocator hands
    back fresh pages (glibc maps anything from 32 MiB up anew) each call pays their first touch."""
    iterations = 1
    while (elapsed := _batch_seconds(run, iterations)) < methodology.cpu_min_seconds:
        growth = methodology.cpu_min_seconds * 1.4 / max(elapsed, 1e-9)
        iterations = max(iterations + 1, int(iterations * min(growth, 10.0)))
    faults_before = _minor_page_faults()
    times = [_batch_seconds(run, iterations) / iterations for _ in range(methodology.repetitions)]
    faults = (_minor_page_faults() - faults_before) / (iterations * methodology.repetitions)
    return times, iterations, faults


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
