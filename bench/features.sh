#!/usr/bin/env bash
# What each realism feature costs: runs a scenario as written, then with one feature switched
# on by `--set` at a time, then with all of them, and prints each run's cost against the first.
# The cost is the least user CPU of REPS runs (the shell's `time`), or with CALLGRIND=1 the
# instructions callgrind counts (steady under load, about 50x slower: for small scenarios).
# Charts and baseline are off and outputs are written, as in bench/targets.sh.
#
# Usage: bench/features.sh [--validate] [SCENARIO...]
#   --validate: only checks that every run's flags make a valid scenario (`nightshift
#   validate`), nothing is timed (tests/growth_harness.rs runs it).
#   default: scenarios/planetlab-day.toml (the reference day's trace and fleet, realistic
#   profile); WEEK=1 adds the generated 10,000-host week (about 20-30 s a run).
#   BIN=path (default: a `dist` build), REPS (3), CALLGRIND=1.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
validate=""
if [ "${1:-}" = --validate ]; then
    validate=1
    shift
fi
if [ -z "${BIN:-}" ]; then
    cargo build --profile dist -q
    BIN=target/dist/nightshift
fi
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
    scenarios=(scenarios/planetlab-day.toml)
    if [ "${WEEK:-}" = 1 ]; then
        "$BIN" generate --hosts 10000 --vms 100000 --days 7 -o "$work/week.toml" >/dev/null
        scenarios+=("$work/week.toml")
    fi
fi

carbon='carbon.hourly_g_per_kwh=[165, 160, 155, 150, 150, 155, 165, 175, 180, 170, 155, 140, 130, 125, 130, 140, 160, 180, 190, 185, 175, 170, 168, 166]'
failure='{ time_to_failure = { distribution = "weibull", shape = 0.8, scale = "30d" }, time_to_repair = { distribution = "exponential", mean = "4h" } }'

# features SCENARIO: one line per feature, "name|--set value|--set value...", for the
# scenario's host classes (failures on every class) and VM groups (a memory curve needs a
# curve group; a trace group gets RAM over-commit instead).
features() {
    local classes groups memory
    classes=$(grep -c '^\[\[hosts\]\]' "$1")
    groups=$(grep -c '^\[\[vms\]\]' "$1")
    local fail="failures.restart_delay=\"1m\"|failures.racks={ time_to_failure = { distribution = \"exponential\", mean = \"60d\" }, time_to_repair = { distribution = \"exponential\", mean = \"2h\" } }|racks.hosts_per_rack=40|racks.switch={ watts = 120, source = \"Arista 7124SX data sheet\" }"
    for ((c = 0; c < classes; c++)); do fail+="|hosts.$c.failure=$failure"; done
    if grep -q '^trace' "$1"; then
        memory="policy.consolidation.dimensions=\"all\""
        for ((c = 0; c < classes; c++)); do memory+="|hosts.$c.overcommit={ ram = 1.2 }"; done
    else
        memory="policy.consolidation.dimensions=\"all\""
        for ((g = 0; g < groups; g++)); do memory+="|vms.$g.ram_load=\"$(sed -n "/^\[\[vms\]\]/,/^load/p" "$1" | grep '^load' | sed -n "$((g + 1))p" | sed 's/.*= *//; s/"//g')\""; done
    fi
    echo "as written|"
    echo "windows: 22:00-06:00, host-off bar|policy.calm.window=[\"22:00-06:00\"]|policy.calm.benefit=\"host-off\""
    echo "budgets: 2 h cool-down, 3 a VM-day, 25 a tick|policy.calm.vm_cooldown=\"2h\"|policy.calm.vm_daily_cap=3|policy.calm.max_per_tick=25"
    echo "forecast: yesterday|policy.power.forecast=\"yesterday\""
    echo "pre-copy migration, 8 a host|migration.model=\"precopy\"|migration.max_concurrent=8"
    echo "failures: hosts and racks of 40|$fail"
    echo "carbon: hourly intensity|$carbon"
    echo "memory: every dimension judged|$memory"
    echo "vector packing: cosine|policy.initial_placement=\"cosine\"|policy.consolidation.placement=\"cosine\"|policy.consolidation.dimensions=\"all\""
    # Everything but the vector placement (the row above says what it costs on its own).
    echo "all of the above but vector packing|policy.calm.window=[\"22:00-06:00\"]|policy.calm.benefit=\"host-off\"|policy.calm.vm_cooldown=\"2h\"|policy.calm.vm_daily_cap=3|policy.calm.max_per_tick=25|policy.power.forecast=\"yesterday\"|migration.model=\"precopy\"|migration.max_concurrent=8|$fail|$carbon|$memory"
}

# cost SCENARIO SETS...: the least user CPU of $reps runs, or callgrind's instruction count.
cost() {
    local scenario=$1 least="" t
    shift
    local args=(run "$scenario" --out "$work/out" --force --no-charts --no-baseline -q)
    for s in "$@"; do args+=(--set "$s"); done
    if [ "${CALLGRIND:-}" = 1 ]; then
        valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$BIN" "${args[@]}" 2>"$work/err" >/dev/null
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/err"
        return
    fi
    for _ in $(seq "$reps"); do
        local TIMEFORMAT='%3U'
        t=$({ time "$BIN" "${args[@]}" >/dev/null 2>"$work/err"; } 2>&1) || { cat "$work/err" >&2; exit 1; }
        if [ -z "$least" ] || awk -v a="$t" -v b="$least" 'BEGIN { exit !(a < b) }'; then least=$t; fi
    done
    echo "$least"
}

if [ -n "$validate" ]; then
    for scenario in "${scenarios[@]}"; do
        while IFS= read -r line; do
            sets=()
            rest=${line#*|}
            if [ -n "$rest" ]; then IFS='|' read -r -a sets <<< "$rest"; fi
            args=()
            for s in "${sets[@]+"${sets[@]}"}"; do args+=(--set "$s"); done
            "$BIN" validate "$scenario" "${args[@]+"${args[@]}"}" >/dev/null
            echo "ok: $scenario: ${line%%|*}"
        done < <(features "$scenario")
    done
    exit 0
fi

unit=$([ "${CALLGRIND:-}" = 1 ] && echo "M instr" || echo "user s")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $("$BIN" --version)"
for scenario in "${scenarios[@]}"; do
    echo
    echo "== $scenario ($([ "${CALLGRIND:-}" = 1 ] && echo callgrind || echo "least user CPU of $reps"))"
    printf '%-46s %12s %8s %10s %8s\n' feature "$unit" "vs first" migrations "kWh IT"
    base=""
    while IFS= read -r line; do
        name=${line%%|*}
        sets=()
        rest=${line#*|}
        if [ -n "$rest" ]; then IFS='|' read -r -a sets <<< "$rest"; fi
        c=$(cost "$scenario" "${sets[@]+"${sets[@]}"}")
        [ "${CALLGRIND:-}" = 1 ] && c=$(awk -v c="$c" 'BEGIN { printf "%.1f", c / 1e6 }')
        [ -z "$base" ] && base=$c
        # The work each run did: a feature that changes the decisions changes it.
        migrations=$(sed -n 's/.*"count": \([0-9]*\).*/\1/p' "$work/out/summary.json" | head -1)
        kwh=$(sed -n 's/.*"it_kwh": \([0-9.]*\).*/\1/p' "$work/out/summary.json" | head -1)
        printf '%-46s %12s %+7.1f%% %10s %8.1f\n' "$name" "$c" "$(awk -v c="$c" -v b="$base" 'BEGIN { print (c / b - 1) * 100 }')" "$migrations" "$kwh"
    done < <(features "$scenario")
done
