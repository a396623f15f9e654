"""Run nightshift and load what it writes into pandas or polars data frames.

The wheel carries the ``nightshift`` binary itself; this module finds it, runs scenarios,
comparisons and sweeps through it, and reads their output folders back (docs/python.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Union

__all__ = ["binary", "run", "compare", "sweep", "load", "Run", "Comparison", "Sweep", "NightshiftError"]

PathLike = Union[str, "os.PathLike[str]"]

# The tables of a run folder, by the name `load` gives them (file names: docs/outputs.md);
# each is read from its CSV file, or from its Parquet twin when a run wrote only Parquet.
RUN_TABLES = {
    "timeseries": "timeseries.csv",
    "baseline_timeseries": "baseline_timeseries.csv",
    "migrations": "migrations.csv",
    "conflicts": "conflicts.csv",
    "hosts": "hosts.csv",
    "host_utilisation": "host_utilisation.csv",
    "requests": "requests.csv",
    "failures": "failures.csv",
}


class NightshiftError(RuntimeError):
    """The binary exited with an error: ``returncode`` 2 for bad input, 1 for anything else."""

    def __init__(self, returncode: int, stderr: str):
        super().__init__(f"nightshift exited with status {returncode}: {stderr.strip()}")
        self.returncode = returncode
        self.stderr = stderr


def binary() -> str:
    """The nightshift executable: ``$NIGHTSHIFT_BIN``, the one this wheel installed, or PATH's."""
    env = os.environ.get("NIGHTSHIFT_BIN")
    if env:
        return env
    exe = "nightshift.exe" if os.name == "nt" else "nightshift"
    for scheme_path in (sysconfig.get_path("scripts"), sysconfig.get_path("scripts", f"{os.name}_user")):
        if scheme_path:
            candidate = Path(scheme_path) / exe
            if candidate.is_file():
                return str(candidate)
    found = shutil.which("nightshift")
    if found:
        return found
    raise FileNotFoundError("no nightshift binary: install the wheel, put it on PATH or set NIGHTSHIFT_BIN")


def _call(args: Sequence[str]) -> str:
    """Runs the binary with `args`; its stdout, or NightshiftError with its status."""
    proc = subprocess.run([binary(), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise NightshiftError(proc.returncode, proc.stderr)
    return proc.stdout


def _invoke(args: Sequence[str]) -> Dict[str, Any]:
    """Runs a command given `--json` and returns its result."""
    return json.loads(_call(args))


def _overrides(set: Optional[Union[Mapping[str, Any], Iterable[str]]]) -> list:
    """``--set`` arguments from a mapping (values written as TOML) or ``KEY=VALUE`` strings."""
    if set is None:
        return []
    if isinstance(set, Mapping):
        items = [f"{k}={_toml(v)}" for k, v in set.items()]
    else:
        items = list(set)
    out = []
    for item in items:
        out += ["--set", item]
    return out


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as a TOML value")


def run(
    scenario: PathLike,
    out: Optional[PathLike] = None,
    *,
    set: Optional[Union[Mapping[str, Any], Iterable[str]]] = None,
    seed: Optional[int] = None,
    charts: bool = False,
    baseline: bool = True,
    force: bool = True,
    format: str = "csv",
    engine: str = "pandas",
) -> "Run":
    """Runs ``scenario`` (a path) and loads its folder. Charts are off unless asked for;
    ``format`` is ``"csv"``, ``"parquet"`` or ``"both"`` (as ``--format``)."""
    args = ["run", os.fspath(scenario), "--json", "--format", format]
    if out is not None:
        args += ["--out", os.fspath(out)]
    if seed is not None:
        args += ["--seed", str(seed)]
    if not charts:
        args.append("--no-charts")
    if not baseline:
        args.append("--no-baseline")
    if force:
        args.append("--force")
    result = _invoke(args + _overrides(set))
    return load(result["out"], engine=engine)


def compare(
    scenario: PathLike,
    policies: Sequence[str],
    out: Optional[PathLike] = None,
    *,
    force: bool = True,
    engine: str = "pandas",
) -> "Comparison":
    """Compares ``policies`` (names as ``nightshift compare --policies`` takes them)."""
    args = ["compare", os.fspath(scenario), "--policies", ",".join(policies), "--json", "--no-charts"]
    if out is not None:
        args += ["--out", os.fspath(out)]
    if force:
        args.append("--force")
    result = _invoke(args)
    return load(result["out"], engine=engine)


def sweep(sweep_file: PathLike, out: PathLike, *, force: bool = True, engine: str = "pandas") -> "Sweep":
    """Runs a sweep file on all cores into `out` and loads its results."""
    args = ["sweep", os.fspath(sweep_file), "-q", "--out", os.fspath(out)]
    if force:
        args.append("--force")
    _call(args)
    return load(out, engine=engine)


@dataclass
class Run:
    """One run folder: ``summary`` (summary.json as a dict) and one data frame per table."""

    path: Path
    summary: Dict[str, Any]
    tables: Dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in RUN_TABLES:
            raise AttributeError(f"{self.__dict__.get('path')} has no {RUN_TABLES[name]}")
        raise AttributeError(name)


@dataclass
class Comparison:
    """A comparison folder: ``table`` (comparison.csv) and each variant's ``runs``."""

    path: Path
    table: Any
    runs: Dict[str, Run]


@dataclass
class Sweep:
    """A sweep folder: ``results`` (results.csv, one row per run with its axis columns),
    ``info`` (sweep.json) and ``run(id)`` to load one run."""

    path: Path
    results: Any
    info: Dict[str, Any]
    engine: str = "pandas"

    def run(self, run_id: str) -> Run:
        return load(self.path / "runs" / run_id, engine=self.engine)


def _read_table(path: Path, engine: str) -> Any:
    """``path`` with the engine's default reader; a ``.parquet`` path with its Parquet reader
    (pandas needs pyarrow or fastparquet for that; polars reads it natively)."""
    parquet = path.suffix == ".parquet"
    if engine == "pandas":
        import pandas

        return pandas.read_parquet(path) if parquet else pandas.read_csv(path)
    if engine == "polars":
        import polars

        return polars.read_parquet(path) if parquet else polars.read_csv(path)
    raise ValueError(f"unknown engine {engine!r}: use 'pandas' or 'polars'")


def _table_file(root: Path, csv_name: str) -> Optional[Path]:
    """The CSV file of a table, or its Parquet twin when only that was written."""
    for candidate in (root / csv_name, (root / csv_name).with_suffix(".parquet")):
        if candidate.is_file():
            return candidate
    return None


def load(path: PathLike, engine: str = "pandas") -> Union[Run, Comparison, Sweep]:
    """Loads a run, comparison or sweep folder (told apart by the files in it) into data
    frames of ``engine`` (``"pandas"`` or ``"polars"``), each read with the library's default
    CSV reader."""
    root = Path(path)
    if (root / "sweep.json").is_file():
        info = json.loads((root / "sweep.json").read_text())
        return Sweep(root, _read_table(root / "results.csv", engine), info, engine)
    if (root / "comparison.csv").is_file():
        runs_dir = root / "runs"
        runs = {
            d.name: load(d, engine)
            for d in sorted(runs_dir.iterdir())
            if (d / "summary.json").is_file()
        } if runs_dir.is_dir() else {}
        return Comparison(root, _read_table(root / "comparison.csv", engine), runs)
    summary_path = root / "summary.json"
    if not summary_path.is_file():
        raise FileNotFoundError(f"{root} is not a nightshift run, comparison or sweep folder")
    tables = {}
    for name, file in RUN_TABLES.items():
        found = _table_file(root, file)
        if found is not None:
            tables[name] = _read_table(found, engine)
    return Run(root, json.loads(summary_path.read_text()), tables)
