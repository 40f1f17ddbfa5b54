#!/usr/bin/env python3
"""Fits the f32 erf and tanh of kernels/cpu/vector_math-inl.hpp: f(x) ~ x P(x^2) / Q(x^2) on [0, limit].

Usage: rational_fit.py erf|tanh|tanh16. Both functions are odd, so one fit on [0, limit] serves both
signs. tanh16 is the cheaper tanh of f16 and bf16 outputs: for it the script also counts the 16-bit
inputs whose result, rounded to the type, is not the correctly rounded tanh.
Linearised least squares on the relative error, x P - f(x) Q = 0 with Q's constant term fixed at 1,
reweighted by the previous Q (Loeb's iteration) so the fit approaches the rational one rather than
the linearised one. Prints the coefficients, highest power first as the Horner loops take them, and
the error of an f32 (numpy float32) evaluation against float64, up to past the limit where the kernel
returns +-1. Needs numpy and scipy (scripts/requirements.txt).
"""
import sys

import numpy as np
from scipy.special import erf

# function, terms of P, terms of Q, limit: erf(x) rounds to 1 in f32 from x = 3.98 on, tanh(x) from 9.01.
# tanh16's limit is the backward pass's: its 1 - tanh^2 is computed in f32 and held to 65 f32 eps.
FITS = {"erf": (erf, 7, 5, 4.0), "tanh": (np.tanh, 6, 4, 9.0), "tanh16": (np.tanh, 4, 4, 7.0)}


def fit(f, p_terms: int, q_terms: int, limit: float, iterations: int = 12) -> tuple[np.ndarray, np.ndarray]:
    x = (np.cos(np.linspace(0, np.pi, 6000)) * 0.5 + 0.5) * limit + 1e-6  # Chebyshev-spaced
    y, z = f(x), x * x
    q_values = np.ones_like(x)
    for _ in range(iterations):
        columns = np.hstack([np.vander(z, p_terms, increasing=True) * x[:, None],
                             -y[:, None] * np.vander(z, q_terms, increasing=True)[:, 1:]])
        weight = 1 / (y * q_values)
        c, *_ = np.linalg.lstsq(columns * weight[:, None], y * weight, rcond=None)
        p, q = c[:p_terms], np.concatenate([[1.0], c[p_terms:]])
        q_values = np.polyval(q[::-1], z)
    return p, q


def horner_f32(coefficients: np.ndarray, z: np.ndarray) -> np.ndarray:
    acc = np.full_like(z, np.float32(coefficients[-1]))
    for k in coefficients[-2::-1]:
        acc = acc * z + np.float32(k)
    return acc


def evaluate_f32(p: np.ndarray, q: np.ndarray, limit: float, x: np.ndarray) -> np.ndarray:
    """The kernel's evaluation in float32: x P(x^2) / Q(x^2) on |x| <= limit, +-1 beyond it."""
    inside = np.clip(x, np.float32(-limit), np.float32(limit))  # no overflow where the select drops it
    z = inside * inside
    fit = inside * horner_f32(p, z) / horner_f32(q, z)
    return np.where(np.abs(x) > limit, np.sign(x), fit).astype(np.float32)


def to_bf16(v: np.ndarray) -> np.ndarray:
    """float32 to bf16 (round to nearest even), as float32; finite inputs."""
    bits = v.view(np.uint32).astype(np.uint64)
    return (((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint32) << 16).view(np.float32)


def misrounded_16bit(p: np.ndarray, q: np.ndarray, limit: float) -> dict[str, tuple[int, int]]:
    """Per 16-bit type: (inputs whose rounded result is not the rounded exact tanh, finite nonzero
    inputs), over every bit pattern of the type."""
    patterns = np.arange(1 << 16, dtype=np.uint32)
    types = {"f16": (patterns.astype(np.uint16).view(np.float16).astype(np.float32),
                     lambda v: v.astype(np.float16).astype(np.float32)),
             "bf16": ((patterns << 16).view(np.float32), to_bf16)}
    counts = {}
    for name, (values, rounded) in types.items():
        x = values[np.isfinite(values) & (values != 0)]
        exact = np.tanh(x.astype(np.float64)).astype(np.float32)
        counts[name] = (int(np.sum(rounded(evaluate_f32(p, q, limit, x)) != rounded(exact))), len(x))
    return counts


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in FITS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(FITS)}")
    f, p_terms, q_terms, limit = FITS[sys.argv[1]]
    p, q = fit(f, p_terms, q_terms, limit)
    x = np.linspace(0, limit * 1.05, 400001).astype(np.float32)[1:]
    approx = evaluate_f32(p, q, limit, x).astype(np.float64)
    exact = f(x.astype(np.float64))
    print("P (highest power first):", ", ".join(repr(float(k)) for k in p[::-1]))
    print("Q (highest power first):", ", ".join(repr(float(k)) for k in q[::-1]))
    print(f"f32 evaluation: max relative error {np.max(np.abs(approx - exact) / exact):.3g}, "
          f"max ulp {np.max(np.abs(approx - exact) / np.spacing(exact.astype(np.float32))):.3g}")
    if sys.argv[1] == "tanh16":
        for name, (wrong, inputs) in misrounded_16bit(p, q, limit).items():
            print(f"{name}: {wrong} of {inputs} finite nonzero inputs not rounded as the exact tanh")


if __name__ == "__main__":
    main()
