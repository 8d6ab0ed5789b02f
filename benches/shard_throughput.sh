#!/bin/bash
# Throughput per core, sharded: N `sohoa run --shard K/N --jobs 1` processes at once against one
# `sohoa run --jobs 2` process, on the same inputs, on this machine's cores. Each measure is a
# fresh output folder; the runs alternate so that load from other work hits both alike, and the
# median of REPS runs is reported.
#
#   bash benches/shard_throughput.sh                       # the fixtures' scans and legacy OCR
#   REPS=5 SHARDS="2 4 4@2" bash benches/shard_throughput.sh DIR...   # 4@2: 4 shards, 2 at a time
#   COPIES=4 bash benches/shard_throughput.sh              # the inputs 4 times over (more documents)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${SOHOA_BIN:-$repo/target/release/sohoa}
reps=${REPS:-3}
shards=${SHARDS:-2 4 4@2}
if [ $# -eq 0 ]; then
    set -- "$repo/fixtures/scans" "$repo/fixtures/legacy-ocr"
fi
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
work=$(mktemp -d /tmp/sohoa-shard-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
copies=${COPIES:-1}
if [ "$copies" -gt 1 ]; then
    # A larger batch from the same inputs: copy-1/…, copy-2/…, each a separate document.
    for c in $(seq "$copies"); do
        mkdir -p "$work/input/copy-$c"
        cp -r "$@" "$work/input/copy-$c/"
    done
    set -- "$work/input"
fi
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT JOB_COMPLETION_INDEX

now() { date +%s.%N; }

one_run() { # seconds of one --jobs 2 run
    rm -rf "$work/out"
    local t0
    t0=$(now)
    "$bin" run "$@" --out "$work/out" --jobs 2 --progress none --quiet
    echo "$(now) - $t0" | bc
}

sharded_run() { # seconds of N one-job shard processes, P at a time (default all), until the last ends
    local n=${1%@*} p=${1#*@}
    shift
    rm -rf "$work/out"
    local t0
    t0=$(now)
    seq 0 $((n - 1)) | xargs -P "$p" -I{} "$bin" run "$@" --out "$work/out" --jobs 1 \
        --progress none --quiet --shard "{}/$n"
    echo "$(now) - $t0" | bc
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

"$bin" run "$@" --out "$work/warm" --jobs 2 --progress none --quiet # page cache, model files
pages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pages"])' "$work/warm/run-report.json")
declare -A times
for _ in $(seq "$reps"); do
    times[one]+="$(one_run "$@") "
    for n in $shards; do
        times[$n]+="$(sharded_run "$n" "$@") "
    done
done
one=$(tr ' ' '\n' <<<"${times[one]}" | grep . | median)
echo "inputs: $* ($copies copies)"
echo "$pages pages, $(nproc) cores, median of $reps runs"
printf '| %-32s | %8s | %10s | %12s |\n' "run" "seconds" "pages/min" "vs --jobs 2"
printf '| %-32s | %8.1f | %10.1f | %12s |\n' "one process, --jobs 2" "$one" "$(echo "$pages * 60 / $one" | bc -l)" "1.00x"
for n in $shards; do
    t=$(tr ' ' '\n' <<<"${times[$n]}" | grep . | median)
    if [[ "$n" == *@* ]]; then label="${n%@*} shards, ${n#*@} at a time, --jobs 1"; else label="$n shards at once, --jobs 1 each"; fi
    printf '| %-32s | %8.1f | %10.1f | %11.2fx |\n' "$label" "$t" \
        "$(echo "$pages * 60 / $t" | bc -l)" "$(echo "$t / $one" | bc -l)"
    echo "  runs: ${times[$n]}(one process: ${times[one]})" >&2
done
