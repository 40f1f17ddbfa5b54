#!/usr/bin/env python3
"""Fits the f32 erf and tanh of kernels/cpu/vector_math-inl.hpp: f(x) ~ x P(x^2) / Q(x^2) on [0, limit].

Usage: rational_fit.py erf|tanh. Both functions are odd, so one fit on [0, limit] serves both signs.
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
FITS = {"erf": (erf, 7, 5, 4.0), "tanh": (np.tanh, 6, 4, 9.0)}


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


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in FITS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(FITS)}")
    f, p_terms, q_terms, limit = FITS[sys.argv[1]]
    p, q = fit(f, p_terms, q_terms, limit)
    x = np.linspace(0, limit * 1.05, 400001).astype(np.float32)[1:]
    z = x * x
    approx = np.where(x > limit, np.float32(1), x * horner_f32(p, z) / horner_f32(q, z)).astype(np.float64)
    exact = f(x.astype(np.float64))
    print("P (highest power first):", ", ".join(repr(float(k)) for k in p[::-1]))
    print("Q (highest power first):", ", ".join(repr(float(k)) for k in q[::-1]))
    print(f"f32 evaluation: max relative error {np.max(np.abs(approx - exact) / exact):.3g}, "
          f"max ulp {np.max(np.abs(approx - exact) / np.spacing(exact.astype(np.float32))):.3g}")


if __name__ == "__main__":
    main()
