#!/usr/bin/env bash
# The growth harness (issue 24): how the run time grows with the fleet, in both profiles, and
# the reference day side by side with CloudSim 3.0.3 where a prepared build is at hand.
#
# Growth series, scale xK for K in SCALES:
#   cloudsim profile, LR-MMT-1.2 and THR-MMT-0.8: the VMs of K bundled PlanetLab days (one
#     [[vms]] group per day, each with its own four type blocks) on K x 800 hosts (half G4, half
#     G5, as the reference). Days are taken in DAYS order, chosen so that each adds about the
#     reference day's 1,050 VMs first; past the tenth day the days are reused from the first
#     with `shift = "12h"` and `loop = true` (the same machines, replayed from noon: a workload
#     of their own). x1 is the reference day itself (scenarios/reference/*.toml).
#   realistic profile: `nightshift generate --hosts 1250K --vms 12500K --days 1 --seed 7`.
# Each run is timed by the shell's `time` (user CPU, to the millisecond); the row keeps the run
# with the least user CPU of REPS runs for scales up to x4 and of LARGE_REPS above. The table
# prints scale, hosts, VMs, events (summary.json), user CPU, factor vs x1 and vs the previous
# scale, and time per event against x1. With CALLGRIND=1 every run is also counted under
# `valgrind --tool=callgrind` (instructions; steady under load, slow: about 50x the run).
#
# Side by side: when PEER (default ../shared/peer beside the repo; see its README) holds the
# CloudSim jar, java and commons-math3 are installed, the reference day (LR-MMT-1.2, day
# 20110303) runs CS_REPS times in CloudSim (-Xmx512m -XX:+UseSerialGC) and REPS_REF times in
# nightshift; it prints user CPU and peak memory (/usr/bin/time) of both, both tools' energy and
# migrations (so a mismatch in what was simulated shows) and the ratios. Without it, it says
# so and skips that part.
#
# Usage: bench/growth.sh [--no-cloudsim]
#        bench/growth.sh --scenarios DIR   (only writes the cloudsim series' scenarios, x1 too,
#                                          as DIR/<policy>-xK.toml, and exits; for checks)
# Vector packing (issue 25): VECTOR="l2-norm" (a placement name) adds a realistic series with
# that policy for initial placement and consolidation and `dimensions = "all"`, the same
# generated scenarios otherwise; ONLY=realistic skips the cloudsim series and the side by side,
# ONLY=cloudsim the realistic series and the side by side.
# Knobs (environment): SCALES="1 2 4 8 16" REPS=3 LARGE_REPS=1 REPS_REF=9 CS_REPS=1 VECTOR= ONLY=
#   PEER=../shared/peer MATH3=/usr/share/java/commons-math3.jar JAVA=java CALLGRIND=0
#   BIN=<a nightshift binary; default: a `dist` build of this tree, as every measurement in docs/performance.md>
set -euo pipefail
# A point, not a comma, in the times `time` prints and in the numbers awk reads.
export LC_ALL=C
cd "$(dirname "$0")/.."
root=$PWD
cloudsim=1
scenarios_only=""
case ${1:-} in
    --no-cloudsim) cloudsim=0 ;;
    --scenarios) scenarios_only=${2:?--scenarios needs a folder} ;;
    "") ;;
    *) echo "usage: bench/growth.sh [--no-cloudsim | --scenarios DIR]" >&2; exit 2 ;;
esac
SCALES=${SCALES:-1 2 4 8 16}
REPS=${REPS:-3}
LARGE_REPS=${LARGE_REPS:-1}
REPS_REF=${REPS_REF:-9}
CS_REPS=${CS_REPS:-1}
PEER=${PEER:-../shared/peer}
MATH3=${MATH3:-/usr/share/java/commons-math3.jar}
JAVA=${JAVA:-java}
CALLGRIND=${CALLGRIND:-0}
VECTOR=${VECTOR:-}
ONLY=${ONLY:-}
# The bundled days, those nearest the reference day's 1,052 VMs first.
DAYS=(20110303 20110309 20110412 20110420 20110325 20110306 20110411 20110409 20110403 20110322)

# planetlab_scenario POLICY K [DIR]: writes the xK scenario of the reference POLICY (a file
# name in scenarios/reference without .toml) into DIR (default the work folder) and prints its
# path. Without DIR, x1 is the reference file itself.
planetlab_scenario() {
    local policy=$1 k=$2 dir=${3:-} ref=scenarios/reference/$1.toml
    if [ "$k" = 1 ] && [ -z "$dir" ]; then echo "$ref"; return; fi
    local out=${dir:-$work}/$policy-x$k.toml i day extra
    # The reference without its trace and [[vms]] sections, K x 400 hosts of each class.
    awk -v k="$k" -v name="growth-$policy-x$k" '
        /^\[traces\.planetlab\]$/ || /^\[\[vms\]\]$/ { skip = 1; next }
        skip && /^(\[|# )/ { skip = 0 }
        skip { next }
        /^count = 400$/ { print "count = " 400 * k; next }
        /^name = "reference-/ { print "name = \"" name "\""; next }
        { print }' "$ref" > "$out"
    for ((i = 0; i < k; i++)); do
        day=${DAYS[i % ${#DAYS[@]}]}
        extra=""
        [ "$i" -ge "${#DAYS[@]}" ] && extra=$'shift = "12h"\nloop = true\n'
        printf '\n[traces.d%d]\nformat = "planetlab"\npath = "%s"\n%s\n[[vms]]\nname = "d%d-%s"\ntrace = "d%d"\ntypes = ["high-cpu", "extra-large", "small", "micro"]\ntype_rule = "blocks"\n' \
            "$i" "$root/traces/planetlab/$day" "$extra" "$i" "$day" "$i" >> "$out"
    done
    echo "$out"
}

if [ -n "$scenarios_only" ]; then
    mkdir -p "$scenarios_only"
    for k in $SCALES; do
        planetlab_scenario lr-mmt-1.2 "$k" "$scenarios_only"
        planetlab_scenario thr-mmt-0.8 "$k" "$scenarios_only"
    done
    exit 0
fi
if [ -n "${BIN:-}" ]; then
    bin=$(realpath "$BIN")
else
    cargo build --profile dist -q
    bin=$root/target/dist/nightshift
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# realistic_scenario K: the generated xK scenario (1,250 K hosts, 10 VMs per host, 1 day).
realistic_scenario() {
    local out=$work/realistic-x$1.toml
    "$bin" generate --hosts $((1250 * $1)) --vms $((12500 * $1)) --days 1 --seed 7 -o "$out" 2>/dev/null
    echo "$out"
}

# timed SCENARIO [ARG...]: one run (outputs written, charts and baseline off; ARGs added,
# e.g. --set); leaves "USER_S HOSTS VMS EVENTS" in $work/last.
timed() {
    local TIMEFORMAT='%3U' user
    { time "$bin" run "$@" --out "$work/out" --force --no-baseline --no-charts -q > /dev/null; } 2> "$work/clock"
    user=$(tail -1 "$work/clock")
    echo "$user $(summary_counts "$work/out/summary.json")" > "$work/last"
}

# summary_counts FILE: "HOSTS VMS EVENTS" of a summary.json.
summary_counts() {
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["hosts"]["count"], d["vms"]["count"], d["events"])' "$1"
}

# instructions SCENARIO [ARG...]: the run's instruction count under callgrind (no output of
# its own).
instructions() {
    valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$work/cg.out" \
        "$bin" run "$@" --out "$work/out" --force --no-baseline --no-charts -q > /dev/null 2> "$work/cg.log"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg.log"
}

# series TITLE KIND [POLICY]: measures every scale and prints the table. KIND realistic-vector
# is the realistic series with the VECTOR placement on every dimension.
series() {
    local title=$1 kind=$2 policy=${3:-} k s reps best r user rest first_t="" first_e="" prev_t=""
    echo
    echo "== growth: $title"
    printf '%5s %7s %8s %8s %9s %9s %9s %11s' scale hosts VMs events "user s" "vs x1" "vs prev" "per event"
    [ "$CALLGRIND" = 1 ] && printf ' %14s %9s' instructions "vs x1"
    echo
    local first_i="" worst=0
    for k in $SCALES; do
        if [ "$kind" = cloudsim ]; then s=$(planetlab_scenario "$policy" "$k"); else s=$(realistic_scenario "$k"); fi
        local extra=()
        if [ "$kind" = realistic-vector ]; then
            extra=(--set "policy.initial_placement=\"$VECTOR\"" --set "policy.consolidation.placement=\"$VECTOR\""
                --set 'policy.consolidation.dimensions="all"')
        fi
        reps=$REPS
        [ "$k" -gt 4 ] && reps=$LARGE_REPS
        best=""
        for ((r = 0; r < reps; r++)); do
            timed "$s" "${extra[@]}"
            read -r user rest < "$work/last"
            if [ -z "$best" ] || awk -v u="$user" -v b="${best%% *}" 'BEGIN { exit !(u < b) }'; then
                best="$user $rest"
            fi
        done
        local hosts vms events
        read -r user hosts vms events <<< "$best"
        [ -z "$first_t" ] && { first_t=$user; first_e=$events; }
        [ -z "$prev_t" ] && prev_t=$user
        awk -v k="$k" -v h="$hosts" -v v="$vms" -v e="$events" -v t="$user" -v t1="$first_t" -v e1="$first_e" -v tp="$prev_t" \
            'BEGIN { printf "%5s %7d %8d %8d %9.3f %8.2fx %8.2fx %10.2fx", "x" k, h, v, e, t, t / t1, t / tp, (t / e) / (t1 / e1) }'
        if [ "$CALLGRIND" = 1 ]; then
            local n
            n=$(instructions "$s" "${extra[@]}")
            [ -z "$first_i" ] && first_i=$n
            awk -v n="$n" -v n1="$first_i" 'BEGIN { printf " %14.0f %8.2fx", n, n / n1 }'
        fi
        echo
        worst=$(awk -v t="$user" -v tp="$prev_t" -v w="$worst" 'BEGIN { print (t / tp > w ? t / tp : w) }')
        prev_t=$user
    done
    if [ "$(echo $SCALES | wc -w)" -gt 1 ]; then
        awk -v w="$worst" 'BEGIN { printf "largest factor per doubling: %.2fx (target <= 2.3x): %s\n", w, (w <= 2.3 ? "met" : "MISSED") }'
    fi
}

echo "== bench/growth.sh $(date -u +%Y-%m-%dT%H:%MZ): $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), nightshift $("$bin" --version)"
echo "measure: user CPU (shell \`time\`), least of $REPS runs up to x4 and of $LARGE_REPS above$([ "$CALLGRIND" = 1 ] && echo ", and callgrind instruction counts")"
echo "per event: time per simulated event against x1 (1.00x = the time grows with the work)"
if [ "$ONLY" != realistic ]; then
    series "cloudsim profile, LR-MMT-1.2, K PlanetLab days on K x 800 hosts" cloudsim lr-mmt-1.2
    series "cloudsim profile, THR-MMT-0.8, K PlanetLab days on K x 800 hosts" cloudsim thr-mmt-0.8
fi
if [ "$ONLY" != cloudsim ]; then
    series "realistic profile, generated (1,250 K hosts, 12,500 K VMs, 1 day, seed 7)" realistic
fi
if [ -n "$VECTOR" ]; then
    series "realistic profile, generated, $VECTOR placement, dimensions = all" realistic-vector
fi
[ -n "$ONLY" ] && exit 0

echo
echo "== side by side with CloudSim 3.0.3: reference day 20110303, LR-MMT-1.2, 800 hosts"
jar=$PEER/cloudsim-3.0.3-planetlab.jar
missing=""
[ "$cloudsim" = 1 ] || missing="--no-cloudsim given"
[ -n "$missing" ] || [ -f "$jar" ] || missing="no CloudSim build at $jar (see $PEER/README)"
[ -n "$missing" ] || command -v "$JAVA" > /dev/null || missing="no java"
[ -n "$missing" ] || [ -f "$MATH3" ] || missing="no commons-math3 at $MATH3 (apt-get install libcommons-math3-java)"
[ -n "$missing" ] || [ -x /usr/bin/time ] || missing="no /usr/bin/time (apt-get install time)"
if [ -n "$missing" ]; then
    echo "skipped: $missing"
    exit 0
fi

# peak PEAK_FILE -- CMD...: runs CMD; leaves "USER_S PEAK_MB" in $work/last.
peak() {
    local file=$1 TIMEFORMAT='%3U' user
    shift 2
    { time /usr/bin/time -f '%M' -o "$file" "$@" > "$work/cmd.log" 2>&1; } 2> "$work/clock"
    user=$(tail -1 "$work/clock")
    echo "$user $(awk '{ printf "%.1f", $1 / 1024 }' "$file")" > "$work/last"
}
# least LABEL REPS -- CMD...: the least user CPU (and its run's peak memory) of REPS runs, as
# "USER_S PEAK_MB" in $work/least-LABEL.
least() {
    local label=$1 reps=$2 r user mb best=""
    shift 3
    for ((r = 0; r < reps; r++)); do
        peak "$work/gtime" -- "$@"
        read -r user mb < "$work/last"
        if [ -z "$best" ] || awk -v u="$user" -v b="${best%% *}" 'BEGIN { exit !(u < b) }'; then best="$user $mb"; fi
    done
    echo "$best" > "$work/least-$label"
}
reference=scenarios/reference/lr-mmt-1.2.toml
least nightshift "$REPS_REF" -- "$bin" run "$reference" --out "$work/ns-ref" --force --no-baseline --no-charts -q
ns_result=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("%.2f kWh, %d migrations" % (d["energy"]["it_kwh"], d["migrations"]["count"]))' "$work/ns-ref/summary.json")
least cloudsim "$CS_REPS" -- "$JAVA" -Xmx512m -XX:+UseSerialGC -Dcloudsim.hosts=800 -cp "$jar:$MATH3" \
    org.cloudbus.cloudsim.examples.power.planetlab.PlanetLabRunnerConsole \
    0 "$root/traces/planetlab" "$work/cs-out" 20110303 lr mmt 1.2
cs_result=$(awk -F': ' '/^Energy consumption/ { split($2, a, " "); e = a[1] } /^Number of VM migrations/ { m = $2 }
    END { if (e == "") print "no result (see its log)"; else printf "%s kWh, %s migrations\n", e, m }' "$work/cmd.log")
read -r ns_cpu ns_mb < "$work/least-nightshift"
read -r cs_cpu cs_mb < "$work/least-cloudsim"
printf '%-11s user CPU %8.3f s (least of %d)  peak memory %8.1f MB  result %s\n' nightshift "$ns_cpu" "$REPS_REF" "$ns_mb" "$ns_result"
printf '%-11s user CPU %8.3f s (least of %d)  peak memory %8.1f MB  result %s  (-Xmx512m -XX:+UseSerialGC)\n' CloudSim "$cs_cpu" "$CS_REPS" "$cs_mb" "$cs_result"
awk -v a="$cs_cpu" -v b="$ns_cpu" -v c="$cs_mb" -v d="$ns_mb" \
    'BEGIN { printf "ratio CloudSim / nightshift: %.0fx the user CPU, %.0fx the peak memory\n", a / b, c / d }'
