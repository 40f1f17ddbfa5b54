"""actbench's rules for a case, re-expressed once in Python for peers that time other libraries
(torch_peer.py) so that their figures mean what actbench's mean: the activations, the dtypes, the
shape of a size, the minimum bytes a case moves, the validation tolerance, the input distributions
and the default size ladders.

Each rule names the C++ it mirrors; tests/python/test_torch_peer.py pins them to hand counts.
"""
from __future__ import annotations

import math

import numpy as np

# kernels/activation_functors-inl.hpp, AllActivations, in that order.
ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu", "selu", "crelu", "relu6", "gelu", "gelu_tanh",
               "silu", "sigmoid", "tanh")
# The functors with kTranscendental: exp/erf/tanh inside, hence the looser tolerance.
TRANSCENDENTAL = frozenset({"elu", "selu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh"})
DIRECTIONS = ("forward", "backward")
DTYPES = ("f32", "f64", "f16", "bf16")
DTYPE_BYTES = {"f32": 4, "f64": 8, "f16": 2, "bf16": 2}
# kernels/dtype.hpp epsilon_of: the spacing of values just above 1.
EPSILON = {"f32": 2.0 ** -23, "f64": 2.0 ** -52, "f16": 2.0 ** -10, "bf16": 2.0 ** -7}
# harness/validate.cpp overflow_threshold: from this magnitude a value stores as infinity.
OVERFLOW_THRESHOLD = {"f16": (2 - 2.0 ** -11) * 2.0 ** 15, "bf16": (2 - 2.0 ** -8) * 2.0 ** 127,
                      "f32": (2 - 2.0 ** -24) * 2.0 ** 127, "f64": math.inf}
# The storage dtype's smallest denormal step (harness/validate.cpp).
SMALLEST_STEP = {"f32": 2.0 ** -149, "bf16": 2.0 ** -149, "f16": 2.0 ** -24, "f64": 5e-324}
# bench/options.cpp (--sizes) and harness/environment.cpp (sysfs cache sizes): K, M and G are
# powers of two.
SIZE_SUFFIXES = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
INPUTS = ("mixed", "positive", "negative", "dead90", "special", "wide", "every16")
INPUT_SEED = 1
# harness/case_data.cpp: dy is drawn from its own stream.
DY_SEED_SALT = 0x9E3779B97F4A7C15

# harness/inputs.cpp: the values a kernel must get right beyond the smooth middle.
SPECIAL_VALUES = (math.nan, math.inf, -math.inf, 0.0, -0.0, 1e-40, -1e-40, 3e-8, -3e-8, 1e5, -1e5,
                  100.0, -100.0)


def output_factor(activation: str) -> int:
    """CReLU writes [f(x), f(-x)]: its output, and its backward dy, hold 2n elements."""
    return 2 if activation == "crelu" else 1


def shape_for(elements: int) -> tuple[int, int]:
    """[rows, channels] of a size (harness/case_data.cpp shape_for): channels = gcd(n, 256)."""
    channels = math.gcd(elements, 256)
    return elements // channels, channels


def minimum_bytes(activation: str, direction: str, dtype: str, elements: int) -> int:
    """The least a case must move (kernels/registry.cpp minimum_bytes, for the plain signature):
    forward reads x and writes y (2n for CReLU); backward reads x and dy and writes dx; PReLU also
    reads its C slopes."""
    size = DTYPE_BYTES[dtype]
    _, channels = shape_for(elements)
    slopes = channels * size if activation == "prelu" else 0
    outputs = output_factor(activation)
    if direction == "forward":
        return slopes + elements * size * (1 + outputs)
    return slopes + elements * size + elements * size * (outputs + 1)


def compute_epsilon(dtype: str) -> float:
    """f16/bf16 compute in f32, f64 in f64."""
    return EPSILON["f64"] if dtype == "f64" else EPSILON["f32"]


def tolerance_for(activation: str, direction: str, dtype: str) -> dict[str, float]:
    """harness/validate.cpp tolerance_for: an element passes when |got - ref| <= abs * scale +
    rel * |ref| (scale = max(1, |dy|) for backward). One ulp of storage plus the compute error."""
    eps_c = compute_epsilon(dtype)
    compute = (64.0 if activation in TRANSCENDENTAL else 2.0) * eps_c
    if direction == "backward":
        compute += eps_c  # the product with dy
    return {"abs": compute + SMALLEST_STEP[dtype], "rel": EPSILON[dtype] + compute}


def every16_values(count: int) -> np.ndarray:
    """harness/inputs.cpp every16: every f16 value, then every bf16 value, repeated (the same
    values in the same order as actbench)."""
    i = np.arange(count, dtype=np.int64)
    bits = (i & 0xFFFF).astype(np.uint16)
    with np.errstate(invalid="ignore"):  # signalling NaN patterns become quiet NaNs
        as_f16 = bits.view(np.float16).astype(np.float64)
        as_bf16 = (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return np.where((i >> 16) % 2 == 0, as_f16, as_bf16)


def make_inputs(kind: str, count: int, seed: int) -> np.ndarray:
    """float64 inputs of a distribution of harness/inputs.cpp (same laws, numpy's generator)."""
    if kind == "every16":
        return every16_values(count)
    rng = np.random.default_rng(seed)
    normal = rng.standard_normal(count)
    if kind == "mixed":
        return normal
    if kind == "positive":
        return np.abs(normal) + 1e-3
    if kind == "negative":
        return -np.abs(normal) - 1e-3
    if kind == "dead90":
        magnitude = np.abs(normal) + 1e-3
        return np.where(rng.random(count) < 0.9, -magnitude, magnitude)
    if kind == "special":
        specials = np.array(SPECIAL_VALUES)[rng.integers(0, len(SPECIAL_VALUES), count)]
        return np.where(rng.random(count) < 0.01, specials, normal)
    if kind == "wide":
        return rng.random(count) * 24.0 - 12.0
    raise ValueError(f"unknown input distribution {kind!r}")


def prelu_slopes(channels: int, seed: int) -> np.ndarray:
    """harness/case_data.cpp: learned slopes are small and positive."""
    return 0.05 + 0.1 * np.minimum(make_inputs("positive", channels, seed + 1), 2.5)


# bench/sweep.cpp: per element, the fewest (x, y) and most (CReLU backward: x, 2n dy, dx) arrays.
FEWEST_ARRAYS = 2
MOST_ARRAYS = 4
CPU_SMALLEST = 1024
GPU_SMALLEST = 4096


def _power_of_4_at_most(n: int) -> int:
    p = 1
    while p * 4 <= n:
        p *= 4
    return p


def _power_of_4_at_least(n: int) -> int:
    p = 1
    while p < n:
        p *= 4
    return p


def _ladder(first: int, last: int) -> list[int]:
    sizes = []
    n = first
    while n <= last:
        sizes.append(n)
        n *= 4
    return sizes


def default_cpu_sizes(l1_bytes: int, llc_bytes: int, dtypes: list[str]) -> list[int]:
    """From L1-resident (the largest case in the widest dtype) to >= 4x the last-level cache."""
    widest = max(DTYPE_BYTES[d] for d in dtypes)
    narrowest = min(DTYPE_BYTES[d] for d in dtypes)
    first = (_power_of_4_at_most(max(1, l1_bytes // (MOST_ARRAYS * widest))) if l1_bytes > 0
             else CPU_SMALLEST)
    last = _power_of_4_at_least(max(first, 4 * max(llc_bytes, 1) // (FEWEST_ARRAYS * narrowest)))
    return _ladder(first, last)


def quick_cpu_sizes(private_cache_bytes: int, llc_bytes: int) -> list[int]:
    """f32 forward working sets: one within the largest private cache, one within the last level."""
    per_element = FEWEST_ARRAYS * DTYPE_BYTES["f32"]
    resident = _power_of_4_at_most(max(CPU_SMALLEST, private_cache_bytes // per_element))
    return [resident, max(resident * 4, _power_of_4_at_most(llc_bytes // per_element))]


def default_gpu_sizes(l2_bytes: int, dtypes: list[str]) -> list[int]:
    """From launch-bound (4K elements) to >= 8x L2."""
    narrowest = min(DTYPE_BYTES[d] for d in dtypes)
    return _ladder(GPU_SMALLEST, _power_of_4_at_least(
        max(GPU_SMALLEST, 8 * l2_bytes // (FEWEST_ARRAYS * narrowest))))


def quick_gpu_sizes(l2_bytes: int) -> list[int]:
    """One size in L2 and one of at least twice L2."""
    per_element = FEWEST_ARRAYS * DTYPE_BYTES["f32"]
    return [GPU_SMALLEST * 16,
            _power_of_4_at_least(max(GPU_SMALLEST * 64, 2 * l2_bytes // per_element))]
