#!/usr/bin/env python3
"""Fits the f32 erf of kernels/cpu/vector_math-inl.hpp: erf(x) ~ x P(x^2) / Q(x^2) on [0, 4].

Linearised least squares on the relative error, x P - erf(x) Q = 0 with Q's constant term fixed at 1,
reweighted by the previous Q (Loeb's iteration) so the fit approaches the rational one rather than
the linearised one. Prints the coefficients, highest power first as the Horner loops take them, and
the error of an f32 (numpy float32) evaluation against float64 erf. Needs numpy and scipy
(scripts/requirements.txt).
"""
import numpy as np
from scipy.special import erf

P_TERMS, Q_TERMS, LIMIT = 7, 5, 4.0  # erf(x) rounds to 1 in f32 from x = 3.98 on


def fit(iterations: int = 12) -> tuple[np.ndarray, np.ndarray]:
    x = (np.cos(np.linspace(0, np.pi, 6000)) * 0.5 + 0.5) * LIMIT + 1e-6  # Chebyshev-spaced
    y, z = erf(x), x * x
    q_values = np.ones_like(x)
    for _ in range(iterations):
        columns = np.hstack([np.vander(z, P_TERMS, increasing=True) * x[:, None],
                             -y[:, None] * np.vander(z, Q_TERMS, increasing=True)[:, 1:]])
        weight = 1 / (y * q_values)
        c, *_ = np.linalg.lstsq(columns * weight[:, None], y * weight, rcond=None)
        p, q = c[:P_TERMS], np.concatenate([[1.0], c[P_TERMS:]])
        q_values = np.polyval(q[::-1], z)
    return p, q


def horner_f32(coefficients: np.ndarray, z: np.ndarray) -> np.ndarray:
    acc = np.full_like(z, np.float32(coefficients[-1]))
    for k in coefficients[-2::-1]:
        acc = acc * z + np.float32(k)
    return acc


def main() -> None:
    p, q = fit()
    x = np.linspace(0, LIMIT, 400001).astype(np.float32)[1:]
    z = x * x
    approx = (x * horner_f32(p, z) / horner_f32(q, z)).astype(np.float64)
    exact = erf(x.astype(np.float64))
    print("P (highest power first):", ", ".join(repr(float(k)) for k in p[::-1]))
    print("Q (highest power first):", ", ".join(repr(float(k)) for k in q[::-1]))
    print(f"f32 evaluation: max relative error {np.max(np.abs(approx - exact) / exact):.3g}, "
          f"max ulp {np.max(np.abs(approx - exact) / np.spacing(exact.astype(np.float32))):.3g}")


if __name__ == "__main__":
    main()
