"""Load, check and index actbench results JSON: the one reader that plot.py, compare.py and
report.py share, so that every script accepts and rejects exactly the same files.

A results file is Google Benchmark's JSON (``context`` + ``benchmarks``) with actbench's structured
fields on each entry. Entries of one case (its repetitions and its mean/median/stddev/cv aggregates)
are gathered into one :class:`Case`, keyed by :class:`CaseKey`.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import statistics
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import jsonschema
except ModuleNotFoundError:  # a borrowed GPU machine's Python: its files are checked afterwards
    jsonschema = None

SUPPORTED_SCHEMA_VERSIONS = frozenset({1})

# The project's full schema, written by the C++ side; checked in addition to the reader's checks.
PROJECT_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "results" / "schema.json"

GZIP_MAGIC = b"\x1f\x8b"

SECONDS_PER_UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

# Display order of implementations; ones not listed sort after these, alphabetically.
IMPLEMENTATION_ORDER = ("naive", "vectorised", "inplace", "mask", "fused_bias", "unfused_bias",
                        "fused_stats", "unfused_stats", "onednn", "cudnn", "cudnn_graph", "torch",
                        "fused_gemm", "fused_gemm_mask", "unfused_gemm")
DTYPE_ORDER = ("f32", "f64", "f16", "bf16")
DIRECTION_ORDER = ("forward", "backward")
BASELINE_IMPLEMENTATION = "naive"
VENDOR_IMPLEMENTATION = {"cpu": "onednn", "cuda": "cudnn"}

# Of several input distributions / L2 states, charts and headlines use these when present.
PREFERRED_INPUT = "mixed"
PREFERRED_L2 = "cold"

# The fields these scripts read from each benchmark entry, and their JSON types; checked on every
# entry, so a file that passes never makes a script fail half-way.
_NUMBER = (int, float)
# actbench writes null where a figure is not finite (a bandwidth over a zero time, an error of NaN).
_NUMBER_OR_NULL = (int, float, type(None))
REQUIRED_ENTRY_FIELDS: dict[str, tuple[type, ...]] = {
    "run_type": (str,), "real_time": _NUMBER, "time_unit": (str,), "activation": (str,),
    "direction": (str,), "implementation": (str,), "device": (str,), "dtype": (str,),
    "elements": (int,),
}
OPTIONAL_ENTRY_FIELDS: dict[str, tuple[type, ...]] = {
    "input": (str,), "l2": (str,), "aggregate_name": (str,), "bytes": _NUMBER,
    "gbps": _NUMBER_OR_NULL, "fraction_of_peak": _NUMBER_OR_NULL, "peak_gbps": _NUMBER_OR_NULL,
    "sparsity": _NUMBER_OR_NULL, "threads": (int,), "validation": (dict,), "shape": (list,),
    "flop": (int,), "gflops": _NUMBER_OR_NULL, "peak_gflops": _NUMBER,
    "fraction_of_matmul_peak": _NUMBER_OR_NULL, "fraction_of_local_peak": _NUMBER_OR_NULL,
    "local_peak_gbps": _NUMBER, "same_size_copy_gbps": _NUMBER,
    "fraction_of_same_size_copy": _NUMBER_OR_NULL, "library_kernel": (str,),
}
DEVICE_PATTERN = re.compile(r"cpu|cuda(:[0-9]+)?")


class ResultsError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


@dataclass(frozen=True, order=True)
class CaseKey:
    """What identifies one measured case; two files are compared case by case on this."""
    activation: str
    direction: str
    implementation: str
    device: str
    dtype: str
    input: str
    l2: str
    elements: int
    layer: str = ""  # a GEMM case's "MxNxK" (its elements are the M x N outputs)

    @property
    def device_kind(self) -> str:
        return self.device.split(":")[0]

    def label(self) -> str:
        parts = [self.activation, self.direction, self.implementation, self.device, self.dtype,
                 self.layer or format_elements(self.elements)]
        if self.input:
            parts.append(f"input={self.input}")
        if self.l2:
            parts.append(f"l2={self.l2}")
        return " ".join(parts)


@dataclass
class Case:
    """One case's measurements: its repetition times and the figures derived from them."""
    key: CaseKey
    times: list[float]            # seconds, one per repetition (empty with aggregates only)
    median_time: float            # seconds
    cv: float | None              # relative standard deviation of the repetitions
    bytes: float | None
    gbps: float | None
    fraction_of_peak: float | None
    peak_gbps: float | None
    threads: int | None
    sparsity: float | None
    validation: dict[str, Any] | None
    gflops: float | None = None  # GEMM cases: the matrix product's 2 M N K FLOP / median time
    fraction_of_matmul_peak: float | None = None  # GEMM cases: gflops / the run's matmul roof
    # gbps / the fastest copy sample taken around the time the case ran (absent in older results)
    fraction_of_local_peak: float | None = None
    # CPU: a copy moving the case's bytes, measured just before it: the roof of the cache its
    # working set lives in (absent for GPU cases and in older results)
    same_size_copy_gbps: float | None = None
    # Vendor cases: which of its kernels the library chose ("jit:avx512_core", a cuDNN engine, ...)
    library_kernel: str | None = None

    @property
    def fraction_of_same_size_copy(self) -> float | None:
        """gbps / same_size_copy_gbps, as actbench writes it for the median entry."""
        if self.gbps is None or not self.same_size_copy_gbps:
            return None
        return self.gbps / self.same_size_copy_gbps

    @property
    def relative_spread(self) -> float | None:
        """(max - min) / median of the repetitions, or the cv when only aggregates were kept."""
        if len(self.times) >= 2:
            return (max(self.times) - min(self.times)) / self.median_time
        return self.cv


@dataclass
class Results:
    """One results file, checked and indexed."""
    path: Path
    context: dict[str, Any]
    cases: dict[CaseKey, Case]
    skipped: list[dict[str, Any]]
    failures: list[dict[str, Any]]
    label: str = field(default="")

    @property
    def actbench(self) -> dict[str, Any]:
        return self.context["actbench"]

    @property
    def cpu(self) -> dict[str, Any]:
        return self.actbench.get("cpu") or {}

    @property
    def gpus(self) -> list[dict[str, Any]]:
        return self.actbench.get("gpus") or []

    @property
    def commit(self) -> str:
        return str(self.actbench.get("git_commit") or "unknown")

    @property
    def interrupted(self) -> dict[str, Any] | None:
        """How a run cut short by a signal ended (signal, points_not_run); None if it finished."""
        return self.actbench.get("interrupted")

    def interruption_note(self) -> str | None:
        """One line for a reader of an interrupted run's figures: cases are missing."""
        if self.interrupted is None:
            return None
        return (f"{self.path.name} is an interrupted run ({self.interrupted['signal']}): "
                f"{self.interrupted['points_not_run']} points were not run, so cases are missing")

    @property
    def date(self) -> str:
        return str(self.context.get("date") or "")

    @property
    def host(self) -> str:
        return str(self.context.get("host_name") or "unknown host")

    def gpu(self, device: str) -> dict[str, Any] | None:
        """The context entry of a 'cuda:N' device."""
        if not device.startswith("cuda"):
            return None
        index = int(device.split(":")[1]) if ":" in device else 0
        return next((g for g in self.gpus if g.get("index", 0) == index), None)

    def machine(self) -> str:
        """The hardware in a few words: the GPU names when the file has GPU cases, else the CPU."""
        devices = {key.device for key in self.cases}
        gpu_names = [str(g.get("name")) for g in self.gpus
                     if any(d.startswith("cuda") for d in devices)]
        if gpu_names:
            return ", ".join(dict.fromkeys(gpu_names))
        return str(self.cpu.get("model") or self.host)

    def device_peak_gbps(self, device: str, threads: int | None) -> float | None:
        """The copy bandwidth measured in this run for the device (and CPU thread count)."""
        if device.startswith("cuda"):
            gpu = self.gpu(device)
            return _positive(gpu.get("copy_bandwidth_gbps")) if gpu else None
        per_threads = self.cpu.get("copy_bandwidth_gbps") or {}
        if threads is not None and str(threads) in per_threads:
            return _positive(per_threads[str(threads)])
        if per_threads:
            return _positive(per_threads[max(per_threads, key=int)])
        return None

    def cache_levels(self, device: str) -> list[tuple[str, int]]:
        """(label, bytes) of the caches whose size matters for the device: L2 and the last level."""
        if device.startswith("cuda"):
            gpu = self.gpu(device) or {}
            l2 = gpu.get("l2_bytes")
            return [("L2", int(l2))] if l2 else []
        caches = [(int(c["level"]), int(c["size_bytes"])) for c in self.cpu.get("caches") or []
                  if c.get("type") in ("Data", "Unified") and "size_bytes" in c]
        if not caches:
            caches = [(int(c["level"]), int(c["size"])) for c in self.context.get("caches") or []
                      if c.get("type") in ("Data", "Unified") and "size" in c]
        by_level = dict(sorted(caches))
        marks = []
        if 2 in by_level:
            marks.append(("L2 per core", by_level[2]))
        last = max(by_level, default=None)
        if last is not None and last > 2:
            marks.append((f"L{last} (LLC)", by_level[last]))
        return marks


def format_elements(n: int) -> str:
    """Element counts as actbench's --sizes spells them: powers of two with K/M/G suffixes."""
    for suffix, scale in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{suffix}"
    return str(n)


def format_bytes(n: float) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:g} B"


def format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _display_order(order: tuple[str, ...]) -> Callable[[str], tuple[int, str]]:
    """A sort key: the names in `order` first, in that order, then any others alphabetically."""
    def key(name: str) -> tuple[int, str]:
        return (order.index(name) if name in order else len(order)), name
    return key


sort_key_implementation = _display_order(IMPLEMENTATION_ORDER)
sort_key_dtype = _display_order(DTYPE_ORDER)
sort_key_direction = _display_order(DIRECTION_ORDER)


def _positive(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ResultsError(f"{path}: is a directory, not a results file") from None
    except OSError as error:
        raise ResultsError(f"{path}: cannot read ({error.strerror})") from None
    # A full default sweep is tens of MB of JSON: committed results may be gzip-compressed.
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise ResultsError(f"{path}: corrupt gzip ({error})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not UTF-8 text, so not a JSON file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ResultsError(f"{path}: malformed JSON at line {error.lineno}, column {error.colno}: "
                           f"{error.msg}") from None


def _is(value: Any, types: tuple[type, ...]) -> bool:
    # JSON true/false are Python bools, which are ints too: never accept them as numbers.
    return isinstance(value, types) and not isinstance(value, bool)


def _type_names(types: tuple[type, ...]) -> str:
    return " or ".join("null" if t is type(None) else t.__name__ for t in types)


def _check_fields(where: str, item: Any, required: dict[str, tuple[type, ...]],
                  optional: dict[str, tuple[type, ...]]) -> None:
    if not isinstance(item, dict):
        raise ResultsError(f"{where} is not an object")
    for name in required:
        if name not in item:
            raise ResultsError(f"{where} has no '{name}'")
    for name, types in {**required, **optional}.items():
        if name in item and not _is(item[name], types):
            raise ResultsError(f"{where}.{name} is {item[name]!r}, expected {_type_names(types)}")


def _check_list(where: str, items: Any, required: dict[str, tuple[type, ...]],
                optional: dict[str, tuple[type, ...]]) -> None:
    if not isinstance(items, list):
        raise ResultsError(f"{where} is not a list")
    for index, item in enumerate(items):
        _check_fields(f"{where}[{index}]", item, required, optional)


def _check_context(path: Path, context: dict[str, Any]) -> None:
    actbench = context["actbench"]
    cache = {"level": (int,), "type": (str,)}
    if "caches" in context:
        _check_list(f"{path}: context.caches", context["caches"], {}, {**cache, "size": (int,)})
    cpu = actbench.get("cpu", {})
    _check_fields(f"{path}: context.actbench.cpu", cpu, {}, {"caches": (list,),
                                                             "copy_bandwidth_gbps": (dict,)})
    _check_list(f"{path}: context.actbench.cpu.caches", cpu.get("caches", []), {},
                {**cache, "size_bytes": (int,)})
    _check_fields(f"{path}: context.actbench.cpu.copy_bandwidth_gbps",
                  cpu.get("copy_bandwidth_gbps", {}), {},
                  dict.fromkeys(cpu.get("copy_bandwidth_gbps", {}), _NUMBER))
    if "interrupted" in actbench:
        _check_fields(f"{path}: context.actbench.interrupted", actbench["interrupted"],
                      {"signal": (str,), "points_not_run": (int,)}, {})
    _check_list(f"{path}: context.actbench.gpus", actbench.get("gpus", []), {},
                {"index": (int,), "name": (str,), "l2_bytes": (int,),
                 "copy_bandwidth_gbps": _NUMBER, "theoretical_bandwidth_gbps": _NUMBER})


def _check_benchmarks(path: Path, benchmarks: list[Any]) -> None:
    for index, entry in enumerate(benchmarks):
        where = f"{path}: benchmarks[{index}]"
        if not isinstance(entry, dict):
            raise ResultsError(f"{where} is not an object")
        if "activation" not in entry:
            continue  # a Google Benchmark entry that is not an actbench case
        _check_fields(where, entry, REQUIRED_ENTRY_FIELDS, OPTIONAL_ENTRY_FIELDS)
        if entry["run_type"] not in ("iteration", "aggregate"):
            raise ResultsError(f"{where}.run_type is {entry['run_type']!r}, "
                               "expected 'iteration' or 'aggregate'")
        if entry["time_unit"] not in SECONDS_PER_UNIT:
            raise ResultsError(f"{where}.time_unit is {entry['time_unit']!r}, expected one of "
                               f"{', '.join(SECONDS_PER_UNIT)}")
        if not DEVICE_PATTERN.fullmatch(entry["device"]):
            raise ResultsError(f"{where}.device is {entry['device']!r}, expected cpu or cuda:N")
        if entry["elements"] < 1:
            raise ResultsError(f"{where}.elements is {entry['elements']}, expected at least 1")


def _form(entry: Any) -> Any:
    """The shape of a benchmark entry: its fields and their JSON types, values left out."""
    if not isinstance(entry, dict):
        return type(entry).__name__
    return tuple(sorted((name, _form(value) if isinstance(value, dict) else type(value).__name__)
                        for name, value in entry.items()))


def _one_entry_per_form(data: dict[str, Any]) -> dict[str, Any]:
    """The document with one benchmark entry of each form: what the project schema is checked on.

    A full jsonschema pass costs about 0.2 ms per entry (seconds for a full run, minutes for a
    history of runs); entries of one form differ only in values, whose types were checked above.
    """
    forms: dict[Any, Any] = {}
    for entry in data["benchmarks"]:
        forms.setdefault(_form(entry), entry)
    return {**data, "benchmarks": list(forms.values())}


def _validate(path: Path, data: Any, schema: dict[str, Any]) -> None:
    validator_class = jsonschema.validators.validator_for(schema)
    error = jsonschema.exceptions.best_match(validator_class(schema).iter_errors(data))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
        raise ResultsError(f"{path}: does not match results/schema.json at {where}: {message}")


@functools.cache
def project_schema() -> dict[str, Any] | None:
    """results/schema.json when the checkout has it, else None."""
    if not PROJECT_SCHEMA_PATH.is_file():
        return None
    schema = _read_json(PROJECT_SCHEMA_PATH)
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as error:
        raise ResultsError(f"{PROJECT_SCHEMA_PATH}: not a valid JSON Schema: "
                           f"{error.message[:160]}") from None
    return schema


def check_results_document(path: Path, data: Any) -> None:
    """Raise ResultsError unless data is actbench results of a schema version we read."""
    context = data.get("context") if isinstance(data, dict) else None
    actbench = context.get("actbench") if isinstance(context, dict) else None
    if not isinstance(actbench, dict) or "schema_version" not in actbench:
        raise ResultsError(f"{path}: not actbench results (no context.actbench.schema_version)")
    version = actbench["schema_version"]
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_SCHEMA_VERSIONS))
        raise ResultsError(f"{path}: unknown schema_version {version!r} "
                           f"(these scripts read version {supported})")
    if not isinstance(data.get("benchmarks"), list):
        raise ResultsError(f"{path}: not actbench results (no 'benchmarks' list)")
    _check_context(path, context)
    _check_benchmarks(path, data["benchmarks"])
    for section in ("skipped", "failures"):
        _check_list(f"{path}: {section}", data.get(section, []), {}, {})
    if jsonschema is None:
        _warn_schema_unchecked()
        return
    schema = project_schema()
    if schema is not None:
        _validate(path, _one_entry_per_form(data), schema)


@functools.cache
def _warn_schema_unchecked() -> None:
    print("warning: jsonschema is not installed, so results/schema.json was not checked; "
          "load the file on a machine that has it (scripts/requirements.txt)", file=sys.stderr)


def _entry_key(entry: dict[str, Any]) -> CaseKey:
    return CaseKey(activation=entry["activation"], direction=entry["direction"],
                   implementation=entry["implementation"], device=entry["device"],
                   dtype=entry["dtype"], input=entry.get("input", ""), l2=entry.get("l2", ""),
                   elements=int(entry["elements"]), layer=_layer(entry))


def _layer(entry: dict[str, Any]) -> str:
    """A GEMM case's layer, MxNxK from its [M, N, K] shape; empty for elementwise cases."""
    shape = entry.get("shape") or []
    return "x".join(str(d) for d in shape) if len(shape) == 3 else ""


def _seconds(entry: dict[str, Any]) -> float:
    return float(entry["real_time"]) * SECONDS_PER_UNIT[entry["time_unit"]]


def _build_case(results: Results, key: CaseKey, entries: list[dict[str, Any]]) -> Case | None:
    iterations = [e for e in entries if e["run_type"] == "iteration"]
    aggregates = {e.get("aggregate_name"): e for e in entries if e["run_type"] == "aggregate"}
    times = [_seconds(e) for e in iterations]
    median_entry = aggregates.get("median")
    if median_entry is not None:
        median_time = _seconds(median_entry)
    elif times:
        median_time = statistics.median(times)
    else:
        return None
    if median_time <= 0:
        raise ResultsError(f"{results.path}: {key.label()} has a non-positive time")
    # GB stores the cv aggregate as a ratio in real_time, whatever time_unit says.
    cv_entry = aggregates.get("cv")
    cv = float(cv_entry["real_time"]) if cv_entry is not None else None
    if cv is None and len(times) >= 2:
        cv = statistics.stdev(times) / statistics.mean(times)
    summary = median_entry or (iterations[len(iterations) // 2] if iterations else entries[0])
    nbytes = _positive(summary.get("bytes"))
    gbps = _positive(median_entry.get("gbps")) if median_entry else None
    if gbps is None and nbytes is not None:
        gbps = nbytes / median_time / 1e9
    threads = summary.get("threads")
    peak = _positive(summary.get("peak_gbps")) or results.device_peak_gbps(key.device, threads)
    fraction = _positive(median_entry.get("fraction_of_peak")) if median_entry else None
    if fraction is None and gbps is not None and peak is not None:
        fraction = gbps / peak
    flop = _positive(summary.get("flop"))
    gflops = flop / median_time / 1e9 if flop is not None else None
    roof = _positive(summary.get("peak_gflops"))
    return Case(key=key, times=times, median_time=median_time, cv=cv, bytes=nbytes, gbps=gbps,
                fraction_of_peak=fraction, peak_gbps=peak, threads=threads,
                sparsity=summary.get("sparsity"), validation=summary.get("validation"),
                gflops=gflops,
                fraction_of_matmul_peak=gflops / roof if gflops and roof else None,
                fraction_of_local_peak=(_positive(median_entry.get("fraction_of_local_peak"))
                                        if median_entry else None),
                same_size_copy_gbps=_positive(summary.get("same_size_copy_gbps")),
                library_kernel=summary.get("library_kernel"))


def results_from_document(path: Path, data: dict[str, Any]) -> Results:
    results = Results(path=path, context=data["context"], cases={},
                      skipped=list(data.get("skipped") or []),
                      failures=list(data.get("failures") or []))
    grouped: dict[CaseKey, list[dict[str, Any]]] = {}
    for entry in data["benchmarks"]:
        if "activation" not in entry or entry.get("error_occurred"):
            continue
        grouped.setdefault(_entry_key(entry), []).append(entry)
    for key, entries in grouped.items():
        case = _build_case(results, key, entries)
        if case is not None:
            results.cases[key] = case
    results.label = f"{results.machine()} @ {results.commit[:7]}"
    return results


def load_results(path: str | Path) -> Results:
    """Read and check one results file; any problem raises ResultsError with a one-line message."""
    path = Path(path)
    data = _read_json(path)
    check_results_document(path, data)
    return results_from_document(path, data)


def load_all(paths: Iterable[str | Path]) -> list[Results]:
    """Load several files and give each a legend label that tells it apart from the others."""
    loaded = [load_results(p) for p in paths]
    labels = [r.label for r in loaded]
    for r in loaded:
        if labels.count(r.label) > 1:
            r.label = f"{r.label} ({r.path.name})"
    return loaded


def read_json_file(path: str | Path) -> Any:
    """Read a JSON file (not necessarily results) with load_results' one-line errors."""
    return _read_json(Path(path))


class ArgumentParser(argparse.ArgumentParser):
    """argparse with its usage errors on one line, exit status 2 as before."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def run_cli(prog: str, body: Callable[[], int]) -> int:
    """Run a script's body; input and output problems become one line on stderr and status 2."""
    try:
        return body()
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ResultsError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"{prog}: error: {where}{error.strerror or error}", file=sys.stderr)
    return 2


@dataclass
class Dataset:
    """Results files measured together (an actbench run and its PyTorch peer, a CPU and a GPU
    run): their cases side by side, no case measured twice."""
    sources: list[Results]
    cases: dict[CaseKey, Case]

    @property
    def label(self) -> str:
        return " + ".join(dict.fromkeys(r.label for r in self.sources))

    def source_for(self, device: str) -> Results:
        """The file whose context describes this device (for peaks and caches)."""
        return next((r for r in self.sources if any(k.device == device for k in r.cases)),
                    self.sources[0])

    def device_name(self, device: str) -> str:
        source = self.source_for(device)
        gpu = source.gpu(device)
        return str(gpu.get("name")) if gpu else str(source.cpu.get("model") or source.host)


def group_into_datasets(results: list[Results]) -> list[Dataset]:
    """Merge files into datasets: each file joins the first dataset none of whose cases it repeats.

    Files that measure the same cases (other machines, other commits) stay apart and are compared
    with each other; files that complement each other are charted as one.
    """
    datasets: list[Dataset] = []
    for r in results:
        home = next((d for d in datasets if not d.cases.keys() & r.cases.keys()), None)
        if home is None:
            datasets.append(Dataset([r], dict(r.cases)))
        else:
            home.sources.append(r)
            home.cases.update(r.cases)
    return datasets
