#!/usr/bin/env bash
# Submit a nightshift sweep to Slurm as a job array of SHARDS tasks, then a merge job that
# runs when every task has succeeded. Usage (from a login node, in the project folder):
#
#   deploy/slurm/sweep.sh [OPTIONS] SWEEP OUT SHARDS [CPUS_PER_TASK] [-- SBATCH_ARGS...]
#   deploy/slurm/sweep.sh --time 2:00:00 --account proj42 --partition short \
#       sweeps/headroom.toml /shared/scratch/headroom 16
#
# Options (each also read from sbatch's own variables when not given here):
#   --time LIMIT        time limit of each array task (SBATCH_TIMELIMIT), e.g. 2:00:00
#   --merge-time LIMIT  time limit of the merge job (default: --time)
#   --account NAME      account to charge (SBATCH_ACCOUNT)
#   --partition NAME    partition to run in (SBATCH_PARTITION)
#   --mem-per-cpu SIZE  memory per CPU (default 1G)
# Anything after `--` is passed to both sbatch calls as it is (e.g. --qos=normal).
#
# Each array task runs one shard (`--shard auto` reads SLURM_ARRAY_TASK_ID and
# SLURM_ARRAY_TASK_COUNT) on all the CPUs Slurm gives it, and logs a progress line per tenth
# of its runs to OUT.<job>_<task>.log. OUT must be on a filesystem every node sees.
# Re-submitting after a failure only runs what is missing.
set -euo pipefail
usage="usage: sweep.sh [--time T] [--merge-time T] [--account A] [--partition P] [--mem-per-cpu M] SWEEP OUT SHARDS [CPUS_PER_TASK] [-- SBATCH_ARGS...]"
time_limit=${SBATCH_TIMELIMIT:-}
merge_time=""
account=${SBATCH_ACCOUNT:-}
partition=${SBATCH_PARTITION:-}
mem_per_cpu=1G
positional=()
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --time) time_limit=${2:?$usage}; shift 2 ;;
        --time=*) time_limit=${1#*=}; shift ;;
        --merge-time) merge_time=${2:?$usage}; shift 2 ;;
        --merge-time=*) merge_time=${1#*=}; shift ;;
        --account) account=${2:?$usage}; shift 2 ;;
        --account=*) account=${1#*=}; shift ;;
        --partition) partition=${2:?$usage}; shift 2 ;;
        --partition=*) partition=${1#*=}; shift ;;
        --mem-per-cpu) mem_per_cpu=${2:?$usage}; shift 2 ;;
        --mem-per-cpu=*) mem_per_cpu=${1#*=}; shift ;;
        -h | --help) echo "$usage"; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        -*) echo "sweep.sh: unknown option $1; $usage" >&2; exit 2 ;;
        *) positional+=("$1"); shift ;;
    esac
done
if [ ${#positional[@]} -lt 3 ] || [ ${#positional[@]} -gt 4 ]; then
    echo "$usage" >&2
    exit 2
fi
sweep=${positional[0]}
out=${positional[1]}
shards=${positional[2]}
cpus=${positional[3]:-4}
bin=${NIGHTSHIFT:-$(command -v nightshift || echo target/release/nightshift)}

common=()
[ -n "$account" ] && common+=("--account=$account")
[ -n "$partition" ] && common+=("--partition=$partition")
task_limits=()
merge_limits=()
if [ -n "$time_limit" ]; then
    task_limits=("--time=$time_limit")
    merge_limits=("--time=${merge_time:-$time_limit}")
else
    echo "sweep.sh: no --time given: the partition's default time limit applies" >&2
    [ -n "$merge_time" ] && merge_limits=("--time=$merge_time")
fi

array_job=$(sbatch --parsable --job-name=nightshift-sweep --array=0-$((shards - 1)) \
    --cpus-per-task="$cpus" --mem-per-cpu="$mem_per_cpu" --output="$out.%A_%a.log" \
    ${common[@]+"${common[@]}"} ${task_limits[@]+"${task_limits[@]}"} ${extra[@]+"${extra[@]}"} \
    --wrap="'$bin' sweep '$sweep' --out '$out' --shard auto --jobs $cpus --progress lines")
merge_job=$(sbatch --parsable --job-name=nightshift-merge --dependency=afterok:"$array_job" \
    --output="$out.merge.log" \
    ${common[@]+"${common[@]}"} ${merge_limits[@]+"${merge_limits[@]}"} ${extra[@]+"${extra[@]}"} \
    --wrap="'$bin' merge '$out'")
echo "submitted array job $array_job ($shards shards) and merge job $merge_job"
echo "logs: $out.${array_job}_<task>.log; results: $out/results.csv once job $merge_job has run"
