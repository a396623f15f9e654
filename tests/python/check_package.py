"""Drives the installed `nightshift` wheel as an analyst would (tests/python_package.rs).

Usage: check_package.py ROOT WORK. Runs a small scenario, a comparison and a sweep through
`nightshift.run/compare/sweep`, loads every table with pandas and polars' default readers,
and checks types and values against summary.json. Exits non-zero on the first failure.
"""

import json
import math
import sys
from pathlib import Path

import nightshift
import pandas as pd
import polars as pl

root, work = Path(sys.argv[1]), Path(sys.argv[2])
scenario = root / "scenarios" / "exercise-1.toml"
one_day = {"simulation.duration": "1d"}


def close(a, b, what):
    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{what}: {a} != {b}"


# The wheel's own binary, not one found elsewhere on PATH.
assert Path(nightshift.binary()).parent == Path(sys.executable).parent, nightshift.binary()

run = nightshift.run(scenario, out=work / "run", set=one_day)
s = run.summary
summary_file = json.loads((work / "run" / "summary.json").read_text())
assert s == summary_file

# pandas: every table loads, integer counts are integers, times are floats.
ts = run.timeseries
assert pd.api.types.is_float_dtype(ts["time_s"]), ts.dtypes
assert pd.api.types.is_integer_dtype(ts["hosts_on"]), ts.dtypes
assert len(ts) > 0
close(ts["energy_kwh"].iloc[-1], s["energy"]["it_kwh"], "last timeseries energy vs summary")
hosts = run.hosts
assert len(hosts) == s["hosts"]["count"], (len(hosts), s["hosts"])
close(hosts["it_kwh"].sum(), s["energy"]["it_kwh"], "hosts.csv energy vs summary")
mig = run.migrations
assert len(mig) == s["migrations"]["count"], (len(mig), s["migrations"])
for col in ("vm", "source", "destination"):
    assert pd.api.types.is_integer_dtype(mig[col]), (col, mig.dtypes)
for name, table in run.tables.items():
    assert isinstance(table, pd.DataFrame), name

# polars reads the same folder with the same values.
prun = nightshift.load(work / "run", engine="polars")
for name, table in run.tables.items():
    ptable = prun.tables[name]
    assert isinstance(ptable, pl.DataFrame), name
    assert ptable.shape == table.shape, (name, ptable.shape, table.shape)
    assert list(ptable.columns) == list(table.columns), name
assert prun.timeseries["hosts_on"].dtype == pl.Int64
close(prun.hosts["it_kwh"].sum(), s["energy"]["it_kwh"], "polars hosts.csv energy")

# A Parquet-only run loads from the Parquet files, with the CSV run's values (polars reads
# Parquet natively; pandas would need pyarrow).
pq = nightshift.run(scenario, out=work / "pq", set=one_day, format="parquet", engine="polars")
assert not (work / "pq" / "timeseries.csv").exists()
assert pq.timeseries.shape == prun.timeseries.shape, (pq.timeseries.shape, prun.timeseries.shape)
assert pq.timeseries["power_w"].to_list() == prun.timeseries["power_w"].to_list()
assert pq.migrations["source"].to_list() == prun.migrations["source"].to_list()

# A comparison: one row per variant, each with its run.
cmp = nightshift.compare(scenario, ["always-on", "thr-mmt"], out=work / "cmp")
assert list(cmp.table["variant"]) == ["always-on", "thr-mmt"], cmp.table
assert set(cmp.runs) == {"always-on", "thr-mmt"}, cmp.runs.keys()
for _, row in cmp.table.iterrows():
    summary = cmp.runs[row["variant"]].summary
    close(row["energy_it_kwh"], summary["energy"]["it_kwh"], f"comparison {row['variant']}")

pcmp = nightshift.load(work / "cmp", engine="polars")
assert isinstance(pcmp.table, pl.DataFrame) and pcmp.table.shape == cmp.table.shape
assert pcmp.table["migrations_count"].dtype == pl.Int64, pcmp.table.schema

# A sweep: one frame with its axis column, one row per run.
sweep_file = work / "headroom.toml"
sweep_file.write_text(
    "version = 1\nname = \"py\"\n"
    f"scenario = {json.dumps(str(scenario))}\n"
    "set = [\"simulation.duration=\\\"1d\\\"\"]\n\n"
    "[[axis]]\nkey = \"policy.power.headroom\"\nvalues = [0.1, 0.3]\n"
)
sw = nightshift.sweep(sweep_file, out=work / "sweep")
assert len(sw.results) == 2, sw.results
assert sw.info["sweep"] == "py" and len(sw.info["runs"]) == 2, sw.info
# Without seeds or replicates every run used the scenario's seed: an integer column.
assert pd.api.types.is_integer_dtype(sw.results["seed"]), sw.results.dtypes
for _, row in sw.results.iterrows():
    summary = sw.run(row["id"]).summary
    close(row["energy_it_kwh"], summary["energy"]["it_kwh"], f"sweep {row['id']}")
    assert row["seed"] == summary["seed"], (row["seed"], summary["seed"])
psw = nightshift.load(work / "sweep", engine="polars")
assert psw.results.shape == sw.results.shape

# Bad input surfaces as an error with the binary's exit status.
bad = work / "bad.toml"
bad.write_text("version = 1\n[simulation]\nduration = \"soon\"\n")
try:
    nightshift.run(bad, out=work / "bad")
except nightshift.NightshiftError as e:
    assert e.returncode == 2, e
    assert "bad.toml" in e.stderr, e.stderr
else:
    raise AssertionError("a bad scenario ran")
print("python package: ok")
