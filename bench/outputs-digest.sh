#!/usr/bin/env bash
# Digests of every output file of every bundled scenario, every reference scenario, a
# generated 2,500-host scenario, a comparison and a small sweep: one line per file,
# `<sha256>  <case>/<file>`, sorted. A refactor that must keep outputs byte-identical is
# checked by running this before and after and diffing the two listings:
#   bench/outputs-digest.sh > before.txt; (change); bench/outputs-digest.sh > after.txt
#   diff before.txt after.txt && echo identical
# Usage: bench/outputs-digest.sh [BINARY] (default: a release build of this tree). Outputs
# do not depend on the build profile (`release` and `dist` give the same listing); a static
# musl build differs in the last digit of some timeseries values (docs/install.md).
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
if [ $# -ge 1 ]; then
    bin=$(realpath "$1")
else
    cargo build --release -q
    bin=$PWD/target/release/nightshift
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { "$bin" run "$@" --force -q >/dev/null; }

for s in scenarios/*.toml; do
    run "$s" --out "$work/out/$(basename "$s" .toml)"
done
for s in scenarios/reference/*.toml; do
    run "$s" --out "$work/out/reference-$(basename "$s" .toml)" --no-charts
done
"$bin" generate --hosts 2500 --vms 25000 --seed 7 -o "$work/g2500.toml" 2>/dev/null
run "$work/g2500.toml" --out "$work/out/generated-2500" --no-charts
"$bin" compare scenarios/exercise-1.toml --policies always-on,power-only,thr-mmt \
    --set 'simulation.duration="1d"' --out "$work/out/compare" --force -q >/dev/null
# The sweep names its scenario through a link, so its text (and fingerprint) is the same in
# every checkout.
ln -s "$PWD/scenarios" "$work/scenarios"
cat > "$work/sweep.toml" <<EOF
version = 1
name = "digest"
scenario = "scenarios/exercise-1.toml"
replicates = 2
set = ["simulation.duration=\"1d\""]
[[axis]]
key = "policy.power.headroom"
values = [0.1, 0.3]
EOF
"$bin" sweep "$work/sweep.toml" --out "$work/out/sweep" -j 2 -q >/dev/null

# Paths are written into some outputs (summary.json, the sweep's copies): the temporary
# folder and this checkout are replaced by names, so listings of two checkouts compare.
root=$PWD
cd "$work/out"
find . -type f | sort | while read -r f; do
    printf '%s  %s\n' "$(sed -e "s#$work#WORK#g" -e "s#$root#ROOT#g" "$f" | sha256sum | cut -d' ' -f1)" "${f#./}"
done
