"""The float64 reference of every activation with actbench's semantics
(kernels/activation_functors-inl.hpp), and the comparison of an output with it
(harness/case_data.cpp validate), for peers that time other libraries.

Conventions: NaN in gives NaN out, forward and derivative; the derivative at exactly 0 takes the
x <= 0 branch (relu 0, leaky_relu its slope); relu6's derivative is 0 at both kinks; +-inf give the
limits (silu/gelu(-inf) = 0).

The formulas and the comparison are written once, against the few array operations of
:class:`ArrayOps`, and run on what they are given: numpy arrays (scipy's erf) on the host, or
float64 torch tensors where they live, so that a GPU's reference and comparison stay on the GPU.
Both follow the same formulas; their exp, erf and tanh may differ in the last float64 bit.
"""
from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import erf

from actbench_cases import EPSILON, OVERFLOW_THRESHOLD, output_factor

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946
RELU6_CEILING = 6.0
SQRT_2_OVER_PI = 0.79788456080286535587989211986876
GELU_TANH_CUBIC = 0.044715
MIN_NORMAL = {"f16": 6.103515625e-05, "f64": 2.2250738585072014e-308, "f32": 1.1754943508222875e-38,
              "bf16": 1.1754943508222875e-38}
# A float64's exponent bits: with its mantissa bits cleared, a normal float64 becomes the largest
# power of two not above it.
FLOAT64_EXPONENT_BITS = 0x7FF0000000000000


@dataclass(frozen=True)
class ArrayOps:
    """The array operations the reference and the comparison use, in one array library."""
    where: Callable[..., Any]
    maximum: Callable[..., Any]
    abs: Callable[..., Any]
    exp: Callable[..., Any]
    expm1: Callable[..., Any]
    tanh: Callable[..., Any]
    erf: Callable[..., Any]
    isnan: Callable[..., Any]
    isinf: Callable[..., Any]
    isfinite: Callable[..., Any]
    concatenate: Callable[..., Any]  # (arrays, axis)
    tile: Callable[..., Any]         # (array, repetitions per axis)
    flatnonzero: Callable[..., Any]
    int64: Any
    float64: Any
    quiet: Callable[[], contextlib.AbstractContextManager]  # no warnings for inf and NaN


NUMPY = ArrayOps(where=np.where, maximum=np.maximum, abs=np.abs, exp=np.exp, expm1=np.expm1,
                 tanh=np.tanh, erf=erf, isnan=np.isnan, isinf=np.isinf, isfinite=np.isfinite,
                 concatenate=np.concatenate, tile=np.tile, flatnonzero=np.flatnonzero,
                 int64=np.int64, float64=np.float64, quiet=lambda: np.errstate(all="ignore"))


@functools.cache
def _torch_ops() -> ArrayOps:
    import torch  # only for torch tensors: the numpy path must not need torch

    def tensor(value: Any, like: Any) -> Any:
        # torch.where and torch.maximum of two Python floats would give float32.
        if isinstance(value, torch.Tensor):
            return value
        return torch.tensor(value, dtype=torch.float64, device=like.device)

    def maximum(a: Any, b: Any) -> Any:
        like = a if isinstance(a, torch.Tensor) else b
        return torch.maximum(tensor(a, like), tensor(b, like))

    return ArrayOps(
        where=lambda condition, a, b: torch.where(condition, tensor(a, condition),
                                                  tensor(b, condition)),
        maximum=maximum, abs=torch.abs, exp=torch.exp, expm1=torch.expm1, tanh=torch.tanh,
        erf=torch.special.erf, isnan=torch.isnan, isinf=torch.isinf, isfinite=torch.isfinite,
        concatenate=lambda arrays, axis: torch.cat(arrays, dim=axis), tile=torch.tile,
        flatnonzero=lambda a: torch.nonzero(a.reshape(-1)).reshape(-1),
        int64=torch.int64, float64=torch.float64, quiet=contextlib.nullcontext)


def array_ops(array: Any) -> ArrayOps:
    """numpy's operations for a numpy array, torch's for a tensor."""
    return NUMPY if isinstance(array, np.ndarray) else _torch_ops()


def _step(xp: ArrayOps, x: Any, low: Any, high: float) -> Any:
    """low for x <= 0, high for x > 0, NaN for NaN: a piecewise-linear derivative."""
    return xp.where(x > 0, high, xp.where(x <= 0, low, math.nan))


def _times_vanishing(xp: ArrayOps, x: Any, g: Any) -> Any:
    """x * g where g -> 0 faster than x grows: 0 wherever g is 0, so x = -inf gives 0, not NaN."""
    return xp.where(g == 0, g, x * g)


def _logistic(xp: ArrayOps, x: Any) -> Any:
    return 1.0 / (1.0 + xp.exp(-x))


def _gelu_cdf(xp: ArrayOps, x: Any) -> Any:
    return 0.5 * (1.0 + xp.erf(x / math.sqrt(2.0)))


def _gelu_tanh_inner(xp: ArrayOps, x: Any) -> Any:
    return xp.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x ** 3))


def _relu(xp: ArrayOps, x: Any) -> Any:
    return xp.where(x <= 0, 0.0, x)  # NaN fails both tests and stays NaN


def _elu_like(xp: ArrayOps, x: Any, alpha: float, scale: float) -> Any:
    return scale * xp.where(x > 0, x, alpha * xp.expm1(x))


# Each takes (ops, x, slope); slope is PReLU's per-channel slope, None for the others.
FORWARD: dict[str, Callable[..., Any]] = {
    "relu": lambda xp, x, _: _relu(xp, x),
    "leaky_relu": lambda xp, x, _: xp.where(x > 0, x, x * LEAKY_SLOPE),
    "prelu": lambda xp, x, slope: xp.where(x > 0, x, x * slope),
    "elu": lambda xp, x, _: _elu_like(xp, x, ELU_ALPHA, 1.0),
    "selu": lambda xp, x, _: _elu_like(xp, x, SELU_ALPHA, SELU_LAMBDA),
    "relu6": lambda xp, x, _: xp.where(x <= 0, 0.0,
                                       xp.where(x >= RELU6_CEILING, RELU6_CEILING, x)),
    "gelu": lambda xp, x, _: _times_vanishing(xp, x, _gelu_cdf(xp, x)),
    "gelu_tanh": lambda xp, x, _: _times_vanishing(xp, x, 0.5 * (1.0 + _gelu_tanh_inner(xp, x))),
    "silu": lambda xp, x, _: _times_vanishing(xp, x, _logistic(xp, x)),
    "sigmoid": lambda xp, x, _: _logistic(xp, x),
    "tanh": lambda xp, x, _: xp.tanh(x),
}


def _gelu_derivative(xp: ArrayOps, x: Any) -> Any:
    pdf = xp.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return _gelu_cdf(xp, x) + _times_vanishing(xp, x, pdf)


def _gelu_tanh_derivative(xp: ArrayOps, x: Any) -> Any:
    t = _gelu_tanh_inner(xp, x)
    slope = 0.5 * SQRT_2_OVER_PI * x * (1.0 + 3 * GELU_TANH_CUBIC * x * x)
    return 0.5 * (1.0 + t) + _times_vanishing(xp, slope, 1.0 - t * t)


def _silu_derivative(xp: ArrayOps, x: Any) -> Any:
    s = _logistic(xp, x)
    return s + _times_vanishing(xp, x, s * (1.0 - s))


DERIVATIVE: dict[str, Callable[..., Any]] = {
    "relu": lambda xp, x, _: _step(xp, x, 0.0, 1.0),
    "leaky_relu": lambda xp, x, _: _step(xp, x, LEAKY_SLOPE, 1.0),
    "prelu": lambda xp, x, slope: _step(xp, x, slope, 1.0),
    "elu": lambda xp, x, _: xp.where(x > 0, 1.0, ELU_ALPHA * xp.exp(x)),
    "selu": lambda xp, x, _: xp.where(x > 0, SELU_LAMBDA, SELU_LAMBDA * SELU_ALPHA * xp.exp(x)),
    "relu6": lambda xp, x, _: (_step(xp, x, 0.0, 1.0)
                               * xp.where(x >= RELU6_CEILING, 0.0, 1.0)),
    "gelu": lambda xp, x, _: _gelu_derivative(xp, x),
    "gelu_tanh": lambda xp, x, _: _gelu_tanh_derivative(xp, x),
    "silu": lambda xp, x, _: _silu_derivative(xp, x),
    "sigmoid": lambda xp, x, _: _logistic(xp, x) * (1.0 - _logistic(xp, x)),
    "tanh": lambda xp, x, _: 1.0 - xp.tanh(x) ** 2,
}


def forward_reference(activation: str, x: Any, slope: Any = None) -> Any:
    """y for x of shape [rows, channels]; CReLU gives [rows, 2 channels] = [relu(x), relu(-x)]."""
    xp = array_ops(x)
    with xp.quiet():  # overflow to inf and inf - inf are part of the semantics
        if activation == "crelu":
            return xp.concatenate([_relu(xp, x), _relu(xp, -x)], axis=1)
        return FORWARD[activation](xp, x, slope)


def backward_reference(activation: str, x: Any, dy: Any, slope: Any = None) -> Any:
    """dx = dy * f'(x); CReLU: dy_lo * relu'(x) - dy_hi * relu'(-x)."""
    xp = array_ops(x)
    with xp.quiet():
        if activation == "crelu":
            channels = x.shape[1]
            relu_derivative = DERIVATIVE["relu"]
            return (dy[:, :channels] * relu_derivative(xp, x, None)
                    - dy[:, channels:] * relu_derivative(xp, -x, None))
        return dy * DERIVATIVE[activation](xp, x, slope)


def error_scale(activation: str, direction: str, dy: Any) -> Any:
    """The absolute tolerance's scale per element: max(1, |dy| read for it) for backward."""
    if direction == "forward":
        return 1.0
    xp = array_ops(dy)
    magnitude = xp.abs(dy)
    if output_factor(activation) == 2:
        channels = dy.shape[1] // 2
        magnitude = xp.maximum(magnitude[:, :channels], magnitude[:, channels:])
    return xp.maximum(1.0, magnitude)


def output_sources(activation: str, direction: str, x: Any) -> Any:
    """For each output element, the x it came from: CReLU's forward reads each x twice."""
    if direction == "forward" and output_factor(activation) == 2:
        return array_ops(x).tile(x, (1, 2))
    return x


def _ulp_at(xp: ArrayOps, values: Any, dtype: str) -> Any:
    """The spacing of dtype's values at each value, normals' spacing below the smallest normal."""
    magnitude = xp.maximum(xp.abs(values), MIN_NORMAL[dtype])
    power_of_two = (magnitude.view(xp.int64) & FLOAT64_EXPONENT_BITS).view(xp.float64)
    return EPSILON[dtype] * power_of_two


def _finite_max(values: Any) -> float:
    return float(values.max()) if len(values) else 0.0


def compare(got: Any, want: Any, inputs: Any, tolerance: dict[str, float], scale: Any,
            dtype: str, what: str) -> dict:
    """The validation record of actbench's schema: errors of finite references, and a pass when
    every element is within abs * scale + rel * |want| (NaN must give NaN, inf the same inf,
    and a reference past the dtype's range the infinity it stores as).
    got, want and inputs are float64 arrays of one library (scale may be a float); `inputs` holds,
    for each output element, the x it came from (for the mismatch message)."""
    xp = array_ops(got)
    with xp.quiet():
        # A reference past the dtype's range is the infinity that storing it gives (as_stored_range).
        past_range = xp.abs(want) >= OVERFLOW_THRESHOLD[dtype]
        want = xp.where(past_range, xp.where(want > 0, math.inf, -math.inf), want)
        allowed = (tolerance["abs"] * scale
                   + tolerance["rel"] * xp.abs(xp.where(xp.isfinite(want), want, 0.0))).ravel()
        got, want = got.ravel(), want.ravel()
        error = xp.abs(got - want)
        finite = xp.isfinite(want)
        ok = xp.where(xp.isnan(want), xp.isnan(got),
                      xp.where(xp.isinf(want), got == want, error <= allowed))
        measured = finite & xp.isfinite(error)
        nonzero = measured & (want != 0)
        record = {
            "max_abs_error": _finite_max(error[measured]),
            "max_rel_error": _finite_max(error[nonzero] / xp.abs(want[nonzero])),
            "max_ulp": _finite_max(error[measured] / _ulp_at(xp, want[measured], dtype)),
            "max_tolerance_used": _finite_max(error[measured] / allowed[measured]),
            "tolerance": dict(tolerance),
            "passed": bool(ok.all()),
        }
    if not record["passed"]:
        bad = xp.flatnonzero(~ok)
        first = int(bad[0])
        if bool((finite & ~xp.isfinite(error)).any()):
            record["max_abs_error"] = None  # a finite reference met NaN or inf: not finite
        record["mismatches"] = len(bad)
        record["first_mismatch"] = (f"{what} element {first}: got {float(got[first]):.9g}, "
                                    f"expected {float(want[first]):.9g} (input "
                                    f"{float(inputs.ravel()[first]):.9g}, allowed error "
                                    f"{float(allowed[first]):.9g})")
    return record
