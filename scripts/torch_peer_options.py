"""torch_peer.py's command line: its flags, checked into Options, or a UsageError naming the bad
value."""
from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from pathlib import Path

import torch

from actbench_cases import ACTIVATIONS, DIRECTIONS, DTYPES, INPUTS, SIZE_SUFFIXES
from actbench_results import ArgumentParser

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "results" / "torch-latest.json"


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


def argument_parser(usage: str) -> ArgumentParser:
    """usage: torch_peer.py's docstring; its first two paragraphs lead --help, the rest ends it."""
    parser = ArgumentParser(
        prog="torch_peer.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="\n\n".join(usage.split("\n\n")[:2]),
        epilog="\n\n".join(usage.split("\n\n")[2:]))
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


def parse_options(argv: list[str], usage: str) -> Options:
    args = argument_parser(usage).parse_args(argv)
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
