"""torch_peer.py and the rules it shares with actbench (actbench_cases.py, activation_reference.py).

The rule and reference tests need numpy only; the runs need torch (scripts/requirements-torch.txt)
and a CPU, never a GPU.
"""
from __future__ import annotations

import importlib.util
import json
import math
import signal
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from actbench_cases import (ACTIVATIONS, DIRECTIONS, make_inputs, minimum_bytes, output_factor,
                            prelu_slopes, shape_for, tolerance_for)
from actbench_results import load_results
from activation_reference import (backward_reference, compare, error_scale, forward_reference,
                                  output_sources)
from conftest import SCRIPTS, run_script

needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="torch is not installed (scripts/requirements-torch.txt)")
NAN, INF = math.nan, math.inf
F32_EPS = 2.0 ** -23


# --- Byte accounting, shapes, tolerances ---------------------------------------------------------

@pytest.mark.parametrize("activation, direction, dtype, elements, by_hand", [
    ("relu", "forward", "f32", 1024, 1024 * 4 + 1024 * 4),               # read x, write y
    ("crelu", "forward", "f32", 1024, 1024 * 4 + 2 * 1024 * 4),          # y has 2n elements
    ("prelu", "forward", "f32", 1024, 256 * 4 + 2 * 1024 * 4),           # + C = 256 slopes
    ("prelu", "forward", "f32", 4099, 1 * 4 + 2 * 4099 * 4),             # odd n: one channel
    ("relu", "backward", "bf16", 1000, 3 * 1000 * 2),                    # read x, dy, write dx
    ("gelu", "backward", "f64", 64, 3 * 64 * 8),
    ("crelu", "backward", "f16", 512, 512 * 2 + 2 * 512 * 2 + 512 * 2),  # dy has 2n elements
    ("prelu", "backward", "f64", 256, 256 * 8 + 3 * 256 * 8),            # slopes read too
])
def test_minimum_bytes_agree_with_a_hand_count(activation, direction, dtype, elements, by_hand):
    assert minimum_bytes(activation, direction, dtype, elements) == by_hand


@pytest.mark.parametrize("elements, shape", [(1 << 20, (4096, 256)), (96, (3, 32)),
                                             (4099, (4099, 1)), (1, (1, 1))])
def test_shape_has_gcd_of_n_and_256_channels(elements, shape):
    assert shape_for(elements) == shape


def test_tolerance_is_storage_ulp_plus_compute_error():
    piecewise = tolerance_for("relu", "forward", "f32")
    assert piecewise == {"abs": 2 * F32_EPS + 2.0 ** -149, "rel": F32_EPS + 2 * F32_EPS}
    transcendental = tolerance_for("gelu", "backward", "bf16")
    assert transcendental["rel"] == 2.0 ** -7 + 65 * F32_EPS  # 64 eps + one for the product with dy


# --- Reference semantics --------------------------------------------------------------------------

def _forward(activation, values, slope=None):
    return forward_reference(activation, np.array([values], dtype=float), slope)[0]


def _derivative(activation, values, slope=None):
    x = np.array([values], dtype=float)
    return backward_reference(activation, x, np.ones_like(x), slope)[0]


@pytest.mark.parametrize("activation", [a for a in ACTIVATIONS if a not in ("prelu", "crelu")])
def test_nan_propagates_forward_and_backward(activation):
    assert np.isnan(_forward(activation, [NAN])).all()
    assert np.isnan(_derivative(activation, [NAN])).all()


def test_derivative_at_zero_takes_the_left_branch():
    assert _derivative("relu", [0.0, -0.0]).tolist() == [0.0, 0.0]
    assert _derivative("leaky_relu", [0.0]).tolist() == [0.01]
    assert _derivative("prelu", [0.0], np.array([0.2])).tolist() == [0.2]
    assert _derivative("relu6", [0.0, 6.0, 3.0]).tolist() == [0.0, 0.0, 1.0]
    assert _derivative("gelu", [0.0]).tolist() == [0.5]
    assert _derivative("sigmoid", [0.0]).tolist() == [0.25]
    assert _derivative("tanh", [0.0]).tolist() == [1.0]


def test_limits_at_infinity_and_signed_zero():
    for activation in ("gelu", "gelu_tanh", "silu"):
        assert _forward(activation, [-INF, INF]).tolist() == [0.0, INF]
    assert not np.signbit(_forward("relu", [-0.0])).any()
    assert _forward("elu", [-100.0]).tolist() == [-1.0]


def test_crelu_concatenates_along_channels_and_its_backward_subtracts():
    x = np.array([[1.0, -2.0], [0.0, 3.0]])
    assert forward_reference("crelu", x).tolist() == [[1, 0, 0, 2], [0, 3, 0, 0]]
    dy = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    assert backward_reference("crelu", x, dy).tolist() == [[1.0, -4.0], [0.0, 6.0]]


def test_compare_passes_matching_nans_and_reports_the_first_mismatch():
    tolerance = {"abs": 1e-6, "rel": 1e-6}
    want = np.array([[NAN, 1.0, 2.0]])
    same = compare(want.copy(), want, want, tolerance, 1.0, "f32", "y")
    assert same["passed"] and same["max_abs_error"] == 0.0 and same["max_tolerance_used"] == 0.0
    near = compare(np.array([[NAN, 1.0, 2.0 + 1.5e-6]]), want, want, tolerance, 1.0, "f32", "y")
    assert near["passed"] and near["max_tolerance_used"] == pytest.approx(0.5)  # of 1e-6 + 2e-6
    broken = compare(np.array([[NAN, NAN, 2.5]]), want, want, tolerance, 1.0, "f32", "y")
    assert not broken["passed"] and broken["mismatches"] == 2
    assert broken["max_abs_error"] is None  # a NaN against a finite reference
    assert broken["max_tolerance_used"] > 1  # 2.5 for 2.0, with the NaN left out
    assert broken["first_mismatch"].startswith("y element 1: got nan, expected 1")


def test_a_reference_past_the_dtypes_range_expects_the_infinity_it_stores_as():
    tolerance = {"abs": 1e-6, "rel": 1e-3}
    want = np.array([[65530.0, -65530.0, 65510.0]])  # f16: past the range, and just inside it
    stored = compare(np.array([[math.inf, -math.inf, 65504.0]]), want, want, tolerance, 1.0, "f16", "y")
    assert stored["passed"]
    clamped = compare(np.array([[65504.0, -math.inf, 65504.0]]), want, want, tolerance, 1.0, "f16", "y")
    assert not clamped["passed"] and clamped["mismatches"] == 1
    assert compare(want.copy(), want, want, tolerance, 1.0, "f32", "y")["passed"]  # f32 holds them


def test_every16_is_each_f16_then_each_bf16_value():
    values = make_inputs("every16", 3 << 16, 1)
    assert values[0x3C00] == 1.0 and values[(1 << 16) + 0x3F80] == 1.0  # 1.0 in f16, in bf16
    assert values[0x7C00] == math.inf and np.isnan(values[0x7E00])
    assert values[0x0001] == 2.0 ** -24 and np.signbit(values[0x8000])  # f16's smallest denormal, -0
    assert values[(1 << 16) + 0x7F7F] == (2 - 2.0 ** -7) * 2.0 ** 127  # bf16's largest finite
    assert np.array_equal(values[2 << 16:], values[:1 << 16], equal_nan=True)


def _reference(activation, direction, x, dy, slope):
    if direction == "forward":
        return forward_reference(activation, x, slope)
    return backward_reference(activation, x, dy, slope)


@needs_torch
@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_torch_tensors_get_the_numpy_reference_and_verdict(activation, direction):
    """The device path: the same formulas in torch's float64 ops, the same comparison."""
    import torch
    x = make_inputs("special", 32 * 256, 1).reshape(32, 256)  # NaN, inf, zeros, denormals
    width = 256 * output_factor(activation)
    dy = make_inputs("mixed", 32 * width, 2).reshape(32, width)
    slope = prelu_slopes(256, 1) if activation == "prelu" else None
    tensors = [None if a is None else torch.from_numpy(a) for a in (x, dy, slope)]
    want = _reference(activation, direction, x, dy, slope)
    want_on_device = _reference(activation, direction, *tensors)
    assert want_on_device.dtype == torch.float64
    np.testing.assert_allclose(want_on_device.numpy(), want, rtol=1e-13, atol=1e-14)
    tolerance = tolerance_for(activation, direction, "f32")
    output = want.astype(np.float32).astype(np.float64)  # a correct f32 output
    wrong = output.copy()
    wrong.ravel()[np.flatnonzero(np.isfinite(want))[3]] += 1.0
    for got in (output, wrong):
        on_host = compare(got, want, output_sources(activation, direction, x), tolerance,
                          error_scale(activation, direction, dy), "f32", "y")
        on_device = compare(torch.from_numpy(got), want_on_device,
                            output_sources(activation, direction, tensors[0]), tolerance,
                            error_scale(activation, direction, tensors[1]), "f32", "y")
        assert on_device.keys() == on_host.keys()
        for field, value in on_host.items():
            if field.startswith("max_"):
                assert on_device[field] == pytest.approx(value, rel=1e-6, abs=1e-12), field
            else:
                assert on_device[field] == value, field


# --- Runs (torch on the CPU) ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def torch_peer():
    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed (scripts/requirements-torch.txt)")
    import torch_peer
    return torch_peer


@pytest.fixture(scope="module")
def small_run(tmp_path_factory, torch_peer):
    out = tmp_path_factory.mktemp("torch") / "torch.json"
    result = run_script("torch_peer.py", "--quick", "--devices=cpu", "--sizes=4K,4099",
                        "--threads=1", f"--out={out}")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return out


def test_small_cpu_run_is_valid_results_of_every_case(small_run):
    results = load_results(small_run)  # checks results/schema.json as well
    keys = results.cases.keys()
    assert {(k.activation, k.direction) for k in keys} == {
        (a, d) for a in ACTIVATIONS for d in ("forward", "backward")}
    assert {k.implementation for k in keys} == {"torch"}
    assert {k.elements for k in keys} == {4096, 4099}
    for key, case in results.cases.items():
        assert case.bytes == minimum_bytes(key.activation, key.direction, key.dtype, key.elements)
        assert case.validation["passed"] and case.median_time > 0 and case.threads == 1
    libraries = results.actbench["libraries"]
    assert {"torch", "cudnn", "onednn"} <= libraries.keys()
    entries = json.loads(small_run.read_text(encoding="utf-8"))["benchmarks"]
    assert all(e["page_faults_per_call"] >= 0 for e in entries if e["run_type"] == "iteration")


def test_a_fresh_output_every_call_shows_as_page_faults(torch_peer, tmp_path, monkeypatch):
    # A fixed mmap threshold of 64 KiB: glibc maps each 4 MiB output anew and unmaps it when freed.
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    out = tmp_path / "torch.json"
    result = run_script("torch_peer.py", "--activations=relu", "--directions=forward",
                        "--devices=cpu", "--sizes=1M", "--quick", "--threads=1", f"--out={out}")
    assert result.returncode == 0, result.stderr
    entries = [e for e in json.loads(out.read_text(encoding="utf-8"))["benchmarks"]
               if e["run_type"] == "iteration"]
    assert entries and all(e["page_faults_per_call"] >= 1 for e in entries)


def test_small_cpu_run_is_read_by_compare_and_report(small_run, tmp_path):
    compared = run_script("compare.py", small_run, small_run)
    assert compared.returncode == 0, compared.stdout + compared.stderr
    report = tmp_path / "report.md"
    reported = run_script("report.py", small_run, "-o", report)
    assert reported.returncode == 0, reported.stderr
    assert "torch" in report.read_text(encoding="utf-8")


def test_the_variables_that_change_a_run_are_in_its_context(torch_peer, tmp_path, monkeypatch):
    # glibc's allocator settings change torch's CPU times (results/amd-epyc-zen4-2c/README.md).
    monkeypatch.setenv("MALLOC_MMAP_MAX_", "0")
    monkeypatch.setenv("ACTBENCH_UNRELATED", "x")
    out = tmp_path / "torch.json"
    assert torch_peer.main(["--activations=relu", "--directions=forward", "--devices=cpu",
                            "--sizes=1K", "--quick", f"--out={out}"]) == 0
    variables = json.loads(out.read_text(encoding="utf-8"))["context"]["actbench"][
        "environment_variables"]
    assert variables["MALLOC_MMAP_MAX_"] == "0"
    assert "ACTBENCH_UNRELATED" not in variables and "PATH" not in variables


def test_failed_validation_is_recorded_not_timed_and_exits_1(torch_peer, tmp_path, capsys):
    # PyTorch's sigmoid backward reads its saved bf16 output: outside actbench's tolerance.
    out = tmp_path / "failed.json"
    status = torch_peer.main(["--activations=relu,sigmoid", "--directions=backward",
                              "--dtypes=bf16", "--devices=cpu", "--sizes=1K", "--quick",
                              "--threads=1", f"--out={out}"])
    assert status == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    assert {e["activation"] for e in document["benchmarks"]} == {"relu"}
    (failure,) = document["failures"]
    assert failure["activation"] == "sigmoid" and not failure["validation"]["passed"]
    assert "FAILED: dx element" in capsys.readouterr().out


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_timed_backward_ops_give_what_autograd_gives(torch_peer, activation):
    torch = torch_peer.torch
    ops = torch_peer.TORCH_ACTIVATIONS[activation]
    x = torch.linspace(-7.0, 7.0, 2 * 36, dtype=torch.float64).reshape(2, 36).requires_grad_()
    slope = torch.linspace(0.05, 0.3, 36, dtype=torch.float64)
    y = ops.forward(x, slope)
    dy = torch.linspace(-1.0, 1.0, y.numel(), dtype=torch.float64).reshape(y.shape)
    (by_autograd,) = torch.autograd.grad(y, x, dy)
    saved = y.detach() if ops.saves_output else x.detach()
    torch.testing.assert_close(ops.backward(saved, dy, slope), by_autograd)


USAGE_ERRORS = [
    (["--activations=relu,swish"], "unknown activation 'swish' in --activations (accepted: relu,"),
    (["--dtypes=f8"], "unknown dtype 'f8' in --dtypes (accepted: f32, f64, f16, bf16)"),
    (["--directions=sideways"], "unknown direction 'sideways'"),
    (["--devices=tpu"], "unknown device 'tpu' in --devices (accepted: cpu, cuda, cuda:N)"),
    (["--sizes=12X"], "size '12X' in --sizes"),
    (["--sizes=0"], "size '0' in --sizes"),
    (["--inputs=uniform"], "unknown input distribution 'uniform'"),
    (["--threads=0"], "--threads=0 is not a thread count"),
    (["--out="], "--out is empty"),
    (["--out=/no/such/folder/torch.json"], "directory /no/such/folder does not exist"),
    (["--bogus"], "unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize("args, message", USAGE_ERRORS, ids=[a[0] for a, _ in USAGE_ERRORS])
def test_usage_error_exits_2_with_one_line_and_no_file(torch_peer, tmp_path, capsys, args,
                                                       message):
    out = tmp_path / "torch.json"
    try:
        status = torch_peer.main([f"--out={out}", "--devices=cpu", *args])
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    stderr = capsys.readouterr().err
    assert status == 2 and message in stderr
    assert stderr.count("\n") == 1 and not out.exists()


@needs_torch
def test_usage_error_exit_status_of_the_process(tmp_path):
    out = tmp_path / "torch.json"
    result = run_script("torch_peer.py", "--dtypes=f8", f"--out={out}")
    assert result.returncode == 2 and "Traceback" not in result.stderr and not out.exists()


def test_cuda_without_gpu_prints_one_line_and_skips(torch_peer, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(torch_peer.torch.cuda, "is_available", lambda: False)
    out = tmp_path / "torch.json"
    status = torch_peer.main(["--devices=cuda", "--activations=relu", "--quick", f"--out={out}"])
    assert status == 0
    assert capsys.readouterr().err == (
        "torch_peer.py: no CUDA device visible to torch: skipping the cuda cases\n")
    results = load_results(out)
    assert not results.cases
    assert {(s["device"], s["reason"]) for s in results.skipped} == {
        ("cuda", "no CUDA device visible to torch")}


@needs_torch
def test_help_documents_every_flag_with_examples():
    result = run_script("torch_peer.py", "--help")
    assert result.returncode == 0
    for flag in ("--activations", "--dtypes", "--directions", "--devices", "--sizes", "--inputs",
                 "--quick", "--out", "--threads", "Examples:", "Exit codes:"):
        assert flag in result.stdout


def test_points_of_one_size_input_and_dtype_share_their_drawn_inputs(torch_peer, tmp_path,
                                                                      monkeypatch):
    draws = []
    draw = torch_peer.make_inputs
    monkeypatch.setattr(torch_peer, "make_inputs",
                        lambda *args: draws.append(args) or draw(*args))
    torch_peer._operand.cache_clear()
    status = torch_peer.main(["--activations=relu,crelu,gelu", "--devices=cpu", "--sizes=1K",
                              "--quick", "--threads=1", f"--out={tmp_path / 'torch.json'}"])
    assert status == 0
    # x once for both directions, dy once for n and once for CReLU's 2n: not once per point.
    assert sorted(count for _, count, _ in draws) == [1024, 1024, 2048]


def _interrupt_second_point(torch_peer, monkeypatch):
    measure = torch_peer.run_point
    started = []

    def run_point(*args):
        started.append(args[0])
        if len(started) == 2:
            raise KeyboardInterrupt
        return measure(*args)
    monkeypatch.setattr(torch_peer, "run_point", run_point)


def test_an_interrupted_run_writes_its_points_beside_out_and_exits_4(torch_peer, tmp_path,
                                                                      monkeypatch, capsys):
    out = tmp_path / "torch.json"
    out.write_text("the previous run", encoding="utf-8")
    _interrupt_second_point(torch_peer, monkeypatch)
    status = torch_peer.main(["--activations=relu,gelu,tanh", "--directions=forward",
                              "--devices=cpu", "--sizes=1K", "--quick", "--threads=1",
                              f"--out={out}"])
    assert status == 4
    assert out.read_text(encoding="utf-8") == "the previous run"
    written = tmp_path / "torch.interrupted.json"
    results = load_results(written)  # a complete document: results/schema.json included
    assert results.interrupted == {"signal": "SIGINT", "points_not_run": 2}
    assert {k.activation for k in results.cases} == {"relu"}
    assert f"wrote the others to {written}" in capsys.readouterr().err


@pytest.mark.parametrize("out_name, written", [("torch.json", "torch.interrupted.json"),
                                               ("torch.out", "torch.out.interrupted.json"),
                                               (".json", ".json.interrupted.json")])
def test_the_interrupted_file_replaces_a_final_json(torch_peer, tmp_path, out_name, written):
    assert torch_peer.interrupted_path(tmp_path / out_name) == tmp_path / written


@needs_torch
@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_lets_the_point_under_way_finish_and_starts_no_other(tmp_path, signal_number):
    out = tmp_path / "torch.json"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "torch_peer.py"), "--devices=cpu", "--sizes=1K,4K",
         "--inputs=mixed,positive,negative", "--quick", "--threads=1", f"--out={out}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()  # the first point is done
    process.send_signal(signal_number)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 4, stderr
    assert not out.exists()
    results = load_results(tmp_path / "torch.interrupted.json")
    measured = len([first, *stdout.splitlines()]) - 1  # and the summary line
    all_points = len(ACTIVATIONS) * 2 * 2 * 3
    assert results.interrupted == {"signal": signal_number.name,
                                   "points_not_run": all_points - measured}
    assert 1 <= len(results.cases) == measured < all_points


@needs_torch
def test_runs_where_jsonschema_is_missing(tmp_path):
    """The borrowed GPU machine's Python has torch but not jsonschema."""
    out = tmp_path / "torch.json"
    without_jsonschema = ("import sys; sys.modules['jsonschema'] = None; "
                          "sys.path.insert(0, sys.argv[1]); import torch_peer; "
                          "sys.exit(torch_peer.main(sys.argv[2:]))")
    result = subprocess.run(
        [sys.executable, "-c", without_jsonschema, str(SCRIPTS), "--activations=relu",
         "--directions=forward", "--devices=cpu", "--sizes=1K", "--quick", "--threads=1",
         f"--out={out}"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("warning: jsonschema is not installed")
    assert result.stderr.count("\n") == 1
    assert load_results(out).cases  # checked here, where jsonschema is installed


def test_the_context_is_built_before_any_point_runs(torch_peer, tmp_path, monkeypatch):
    def no_context(*_):
        raise AttributeError("'_CudaDeviceProperties' object has no attribute 'clock_rate'")
    monkeypatch.setattr(torch_peer, "context", no_context)
    monkeypatch.setattr(torch_peer, "run_point", lambda *_: pytest.fail("a point ran"))
    with pytest.raises(AttributeError):
        torch_peer.main(["--activations=relu", "--devices=cpu", "--sizes=1K", "--quick",
                         f"--out={tmp_path / 'torch.json'}"])


def test_gpu_properties_missing_from_this_torch_read_as_zero(torch_peer, monkeypatch):
    properties = SimpleNamespace(name="NVIDIA H200", major=9, minor=0, multi_processor_count=132,
                                 total_memory=150_000_000_000, L2_cache_size=62_914_560)
    monkeypatch.setattr(torch_peer.torch.cuda, "get_device_properties", lambda _: properties)
    from torch_peer_context import gpu_context
    gpu = gpu_context("cuda:0", 4300.0)
    assert gpu["theoretical_bandwidth_gbps"] == 0
    assert gpu["max_sm_clock_mhz"] == gpu["max_memory_clock_mhz"] == 0
    assert gpu["copy_bandwidth_gbps"] == 4300.0 and gpu["l2_bytes"] == 62_914_560
