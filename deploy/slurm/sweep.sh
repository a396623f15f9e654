#!/usr/bin/env bash
# Submit a nightshift sweep to Slurm as a job array of SHARDS tasks, then a merge job that
# runs when every task has succeeded. Usage (from a login node, in the project folder):
#
#   deploy/slurm/sweep.sh sweeps/headroom.toml /shared/scratch/headroom 16
#
# Each array task runs one shard (`--shard auto` reads SLURM_ARRAY_TASK_ID and
# SLURM_ARRAY_TASK_COUNT) on all the CPUs Slurm gives it. OUT must be on a filesystem every
# node sees. Re-submitting after a failure only runs what is missing.
set -euo pipefail
sweep=${1:?usage: sweep.sh SWEEP OUT SHARDS [CPUS_PER_TASK]}
out=${2:?usage: sweep.sh SWEEP OUT SHARDS [CPUS_PER_TASK]}
shards=${3:?usage: sweep.sh SWEEP OUT SHARDS [CPUS_PER_TASK]}
cpus=${4:-4}
bin=${NIGHTSHIFT:-$(command -v nightshift || echo target/release/nightshift)}

array_job=$(sbatch --parsable --job-name=nightshift-sweep --array=0-$((shards - 1)) \
    --cpus-per-task="$cpus" --mem-per-cpu=1G --output="$out.%A_%a.log" \
    --wrap="'$bin' sweep '$sweep' --out '$out' --shard auto --jobs $cpus --quiet")
merge_job=$(sbatch --parsable --job-name=nightshift-merge --dependency=afterok:"$array_job" \
    --output="$out.merge.log" --wrap="'$bin' merge '$out'")
echo "submitted array job $array_job ($shards shards) and merge job $merge_job"
echo "results: $out/results.csv once job $merge_job has run"
