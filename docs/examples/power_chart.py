"""Redraws the run's `power` chart (IT power against the always-on baseline) from the frames
`nightshift.load` gives, as a notebook cell would (docs/python.md).

    python docs/examples/power_chart.py output/night-consolidation power-from-python.png
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import nightshift

run = nightshift.load(sys.argv[1])
ts, base = run.timeseries, run.baseline_timeseries
hours = ts["time_s"] / 3600

fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True, height_ratios=[2, 1])
top.plot(hours, ts["power_w"] / 1000, label="IT power", color="#1f3b73")
top.plot(base["time_s"] / 3600, base["power_w"] / 1000, "--", label="always-on baseline", color="grey")
top.set_ylabel("IT power (kW)")
top.legend(loc="upper left")
saved = run.summary["savings"]["energy_fraction"]
top.set_title(f"{run.summary['scenario']}: {saved:.1%} of IT energy saved")
bottom.stackplot(hours, ts["hosts_on"], ts["hosts_booting"], ts["hosts_shutting_down"], ts["hosts_off"],
                 labels=["on", "booting", "shutting down", "off"],
                 colors=["#1f3b73", "#e08a2c", "#8fbce6", "#d3d3d3"])
bottom.set_ylabel("hosts")
bottom.set_xlabel("simulated time (h)")
bottom.legend(loc="upper left", ncol=4)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=80)
