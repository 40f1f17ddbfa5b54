"""The float64 reference of every activation with actbench's semantics
(kernels/activation_functors-inl.hpp), and the comparison of an output with it
(harness/case_data.cpp validate), for peers that time other libraries.

Conventions: NaN in gives NaN out, forward and derivative; the derivative at exactly 0 takes the
x <= 0 branch (relu 0, leaky_relu its slope); relu6's derivative is 0 at both kinks; +-inf give the
limits (silu/gelu(-inf) = 0).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import erf

from actbench_cases import EPSILON, output_factor

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946
RELU6_CEILING = 6.0
SQRT_2_OVER_PI = 0.79788456080286535587989211986876
GELU_TANH_CUBIC = 0.044715
MIN_NORMAL = {"f16": 6.103515625e-05, "f64": 2.2250738585072014e-308, "f32": 1.1754943508222875e-38,
              "bf16": 1.1754943508222875e-38}


def _step(x: np.ndarray, low: np.ndarray | float, high: float) -> np.ndarray:
    """low for x <= 0, high for x > 0, NaN for NaN: a piecewise-linear derivative."""
    return np.where(x > 0, high, np.where(x <= 0, low, np.nan))


def _times_vanishing(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """x * g where g -> 0 faster than x grows: 0 wherever g is 0, so x = -inf gives 0, not NaN."""
    return np.where(g == 0, g, x * g)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _gelu_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + erf(x / np.sqrt(2.0)))


def _gelu_tanh_inner(x: np.ndarray) -> np.ndarray:
    return np.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x ** 3))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.where(x <= 0, 0.0, x)  # NaN fails both tests and stays NaN


def _elu_like(x: np.ndarray, alpha: float, scale: float) -> np.ndarray:
    return scale * np.where(x > 0, x, alpha * np.expm1(x))


FORWARD: dict[str, Callable[..., np.ndarray]] = {
    "relu": lambda x, _: _relu(x),
    "leaky_relu": lambda x, _: np.where(x > 0, x, x * LEAKY_SLOPE),
    "prelu": lambda x, slope: np.where(x > 0, x, x * slope),
    "elu": lambda x, _: _elu_like(x, ELU_ALPHA, 1.0),
    "selu": lambda x, _: _elu_like(x, SELU_ALPHA, SELU_LAMBDA),
    "relu6": lambda x, _: np.where(x <= 0, 0.0, np.where(x >= RELU6_CEILING, RELU6_CEILING, x)),
    "gelu": lambda x, _: _times_vanishing(x, _gelu_cdf(x)),
    "gelu_tanh": lambda x, _: _times_vanishing(x, 0.5 * (1.0 + _gelu_tanh_inner(x))),
    "silu": lambda x, _: _times_vanishing(x, _logistic(x)),
    "sigmoid": lambda x, _: _logistic(x),
    "tanh": lambda x, _: np.tanh(x),
}


def _gelu_derivative(x: np.ndarray) -> np.ndarray:
    pdf = np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)
    return _gelu_cdf(x) + _times_vanishing(x, pdf)


def _gelu_tanh_derivative(x: np.ndarray) -> np.ndarray:
    t = _gelu_tanh_inner(x)
    slope = 0.5 * SQRT_2_OVER_PI * x * (1.0 + 3 * GELU_TANH_CUBIC * x * x)
    return 0.5 * (1.0 + t) + _times_vanishing(slope, 1.0 - t * t)


def _silu_derivative(x: np.ndarray) -> np.ndarray:
    s = _logistic(x)
    return s + _times_vanishing(x, s * (1.0 - s))


DERIVATIVE: dict[str, Callable[..., np.ndarray]] = {
    "relu": lambda x, _: _step(x, 0.0, 1.0),
    "leaky_relu": lambda x, _: _step(x, LEAKY_SLOPE, 1.0),
    "prelu": lambda x, slope: _step(x, slope, 1.0),
    "elu": lambda x, _: np.where(x > 0, 1.0, ELU_ALPHA * np.exp(x)),
    "selu": lambda x, _: np.where(x > 0, SELU_LAMBDA, SELU_LAMBDA * SELU_ALPHA * np.exp(x)),
    "relu6": lambda x, _: _step(x, 0.0, 1.0) * np.where(x >= RELU6_CEILING, 0.0, 1.0),
    "gelu": lambda x, _: _gelu_derivative(x),
    "gelu_tanh": lambda x, _: _gelu_tanh_derivative(x),
    "silu": lambda x, _: _silu_derivative(x),
    "sigmoid": lambda x, _: _logistic(x) * (1.0 - _logistic(x)),
    "tanh": lambda x, _: 1.0 - np.tanh(x) ** 2,
}


def forward_reference(activation: str, x: np.ndarray,
                      slope: np.ndarray | None = None) -> np.ndarray:
    """y for x of shape [rows, channels]; CReLU gives [rows, 2 channels] = [relu(x), relu(-x)]."""
    with np.errstate(all="ignore"):  # overflow to inf and inf - inf are part of the semantics
        if activation == "crelu":
            return np.concatenate([_relu(x), _relu(-x)], axis=1)
        return FORWARD[activation](x, slope)


def backward_reference(activation: str, x: np.ndarray, dy: np.ndarray,
                       slope: np.ndarray | None = None) -> np.ndarray:
    """dx = dy * f'(x); CReLU: dy_lo * relu'(x) - dy_hi * relu'(-x)."""
    with np.errstate(all="ignore"):
        if activation == "crelu":
            channels = x.shape[1]
            relu_derivative = DERIVATIVE["relu"]
            return (dy[:, :channels] * relu_derivative(x, None)
                    - dy[:, channels:] * relu_derivative(-x, None))
        return dy * DERIVATIVE[activation](x, slope)


def error_scale(activation: str, direction: str, dy: np.ndarray | None) -> np.ndarray | float:
    """The absolute tolerance's scale per element: max(1, |dy| read for it) for backward."""
    if direction == "forward":
        return 1.0
    magnitude = np.abs(dy)
    if output_factor(activation) == 2:
        channels = dy.shape[1] // 2
        magnitude = np.maximum(magnitude[:, :channels], magnitude[:, channels:])
    return np.maximum(1.0, magnitude)


def _ulp_at(values: np.ndarray, dtype: str) -> np.ndarray:
    magnitude = np.maximum(np.abs(values), MIN_NORMAL[dtype])
    return np.ldexp(EPSILON[dtype], np.frexp(magnitude)[1] - 1)


def _finite_max(values: np.ndarray) -> float:
    return float(values.max()) if values.size else 0.0


def compare(got: np.ndarray, want: np.ndarray, inputs: np.ndarray, tolerance: dict[str, float],
            scale: np.ndarray | float, dtype: str, what: str) -> dict:
    """The validation record of actbench's schema: errors of finite references, and a pass when
    every element is within abs * scale + rel * |want| (NaN must give NaN, inf the same inf).
    `inputs` holds, for each output element, the x it came from (for the mismatch message)."""
    with np.errstate(all="ignore"):
        allowed = (tolerance["abs"] * scale
                   + tolerance["rel"] * np.abs(np.where(np.isfinite(want), want, 0.0))).ravel()
        got, want = got.ravel(), want.ravel()
        error = np.abs(got - want)
        finite = np.isfinite(want)
        ok = np.where(np.isnan(want), np.isnan(got),
                      np.where(np.isinf(want), got == want, error <= allowed))
        measured = finite & np.isfinite(error)
        nonzero = measured & (want != 0)
        record = {
            "max_abs_error": _finite_max(error[measured]),
            "max_rel_error": _finite_max(error[nonzero] / np.abs(want[nonzero])),
            "max_ulp": _finite_max(error[measured] / _ulp_at(want[measured], dtype)),
            "tolerance": dict(tolerance),
            "passed": bool(ok.all()),
        }
    if not record["passed"]:
        bad = np.flatnonzero(~ok)
        first = int(bad[0])
        source = inputs.ravel()[first]
        if (finite & ~np.isfinite(error)).any():
            record["max_abs_error"] = None  # a finite reference met NaN or inf: not finite
        record["mismatches"] = int(bad.size)
        record["first_mismatch"] = (f"{what} element {first}: got {got[first]:.9g}, expected "
                                    f"{want[first]:.9g} (input {source:.9g}, allowed error "
                                    f"{allowed[first]:.9g})")
    return record
