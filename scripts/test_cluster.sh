#!/bin/bash
# make test-cluster: sohoa on a real SLURM cluster of one node, this machine.
#
# Installs Debian's slurm-wlm and munge when missing, starts munged, slurmctld and slurmd with
# a configuration written here (private socket, ports, state and logs in a temporary folder; no
# systemd), submits deploy/slurm/sohoa-array.sbatch as a 4-task array over the fixtures, and
# checks that the union of the shards' records equals a one-process `sohoa run` of the same
# inputs. Then it submits again, cancels one task mid-run (scancel), requeues it (scontrol
# requeue) and checks that nothing is lost or duplicated. Every daemon it started is stopped.
#
# Needs root (apt-get, munged as the munge user) and a release build (`make build`).
# SOHOA_CLUSTER_KEEP=1 keeps the work folder (logs, outputs) for a look afterwards.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${SOHOA_BIN:-$repo/target/release/sohoa}
sbatch_script=$repo/deploy/slurm/sohoa-array.sbatch
tasks=4

say() { echo "test-cluster: $*"; }
fail() { echo "test-cluster: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs packages and starts munged as the munge user)"
[ -x "$bin" ] || fail "$bin is missing: run make build first"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/sohoa-cluster.XXXXXX)
chmod 755 "$work"
conf=$work/slurm.conf
export SLURM_CONF=$conf
munge_dir=$work/munge
munge_run=$work/munge-run

stop_daemons() {
    local status=$?
    set +e
    if [ -f "$conf" ] && [ -f "$work/slurmctld.pid" ]; then
        scancel --quiet --user=root 2>/dev/null
        for _ in $(seq 60); do
            [ -z "$(squeue -h 2>/dev/null)" ] && break
            sleep 1
        done
    fi
    for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$munge_run/munged.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        say "stopped $(basename "$pidfile" .pid) ($pid)"
    done
    if [ "${SOHOA_CLUSTER_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
        say "work folder kept: $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap stop_daemons EXIT

# --- munge: a private key, socket and pid file, so nothing else on the machine is touched ---
# (the key's folder is private; the socket's must be open to every user who submits jobs)
install -d -o munge -g munge -m 700 "$munge_dir"
install -d -o munge -g munge -m 755 "$munge_run"
head -c 1024 /dev/urandom >"$munge_dir/munge.key"
chown munge:munge "$munge_dir/munge.key"
chmod 400 "$munge_dir/munge.key"
runuser -u munge -- munged --socket="$munge_run/socket" --key-file="$munge_dir/munge.key" \
    --pid-file="$munge_run/munged.pid" --log-file="$munge_dir/munged.log" \
    --seed-file="$munge_dir/munged.seed"
for _ in $(seq 50); do [ -f "$munge_run/munged.pid" ] && break; sleep 0.1; done
munge -S "$munge_run/socket" -n | unmunge -S "$munge_run/socket" | grep -q 'STATUS: *Success' \
    || fail "munge does not work (see $munge_dir/munged.log)"
say "munged up ($(cat "$munge_run/munged.pid"))"

# --- slurm: one node, this machine, as slurmd -C describes it; free ports ---
read -r ctld_port node_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
node_line=$(slurmd -C | head -1)
node_name=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$node_line")
mkdir -p "$work/state" "$work/spool" "$work/logs"
cat >"$conf" <<CONF
ClusterName=sohoatest
SlurmctldHost=$node_name
SlurmctldPort=$ctld_port
SlurmdPort=$node_port
AuthType=auth/munge
AuthInfo=socket=$munge_run/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
KillWait=120
$node_line State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 60); do
    state=$(sinfo -h -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 1
done
[ "$state" = idle ] || fail "the node is '$state', not idle (see $work/slurmctld.log, $work/slurmd.log)"
say "slurmctld ($(cat "$work/slurmctld.pid")) and slurmd ($(cat "$work/slurmd.pid")) up; node $node_name idle"

# --- the inputs: the fixtures' scans, legacy OCR and texts, in one folder on "shared storage" ---
input=$work/input
mkdir -p "$input/texts"
cp -r "$repo/fixtures/scans" "$repo/fixtures/legacy-ocr" "$input/"
cp "$repo/fixtures/extract/"*.txt "$input/texts/"
documents=$(find "$input" -type f | wc -l)

lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

submit() { # submit OUT LOG_PREFIX [sbatch options]: the committed recipe, 4 tasks of 1 core
    local out=$1 prefix=$2
    shift 2
    SOHOA=$bin sbatch --parsable --array=0-$((tasks - 1)) --cpus-per-task=1 --mem-per-cpu=2G \
        --time=30 --chdir="$repo" --output="$work/logs/$prefix-%A_%a.log" "$@" \
        "$sbatch_script" "$input" "$out"
}

# compare.py ONE SHARDED: same records (timing aside) and byte-identical texts, each document
# done exactly once over all manifests, no temporary file left.
compare() {
    python3 - "$1" "$2" "$tasks" <<'PY'
import json, pathlib, sys
one, sharded, tasks = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
def outputs(root):
    found = {}
    for p in root.rglob("*"):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel.startswith(".") or "/." in rel:
            continue
        if p.name.endswith(".sohoa-tmp"):
            sys.exit(f"temporary file left: {p}")
        if p.suffix == ".json" and not p.name.startswith(("run-report", "shard-plan")):
            record = json.loads(p.read_bytes())
            record.pop("timing_ms", None)
            found[rel] = record
        elif p.suffix == ".txt":
            found[rel] = p.read_bytes()
    return found
a, b = outputs(one), outputs(sharded)
if sorted(a) != sorted(b):
    sys.exit(f"different documents: only in one run {sorted(set(a) - set(b))}, only in the shards {sorted(set(b) - set(a))}")
differ = [k for k in a if a[k] != b[k]]
if differ:
    sys.exit(f"outputs differ: {differ}")
done = {}
for k in range(tasks):
    for line in (sharded / f"manifest.shard-{k}-of-{tasks}.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if entry["status"] == "done":
            done.setdefault(entry["path"], []).append(k)
twice = {p: s for p, s in done.items() if len(s) > 1}
if twice:
    sys.exit(f"documents done twice: {twice}")
plan = json.loads((sharded / f"shard-plan.of-{tasks}.json").read_text())["documents"]
astray = {p: s for p, s in done.items() if s != [plan[p]]}
if astray:
    sys.exit(f"documents done by another shard than the plan's: {astray}")
expected = {json.loads(l)["path"] for l in (one / "manifest.jsonl").read_text().splitlines()}
if set(done) != expected:
    sys.exit(f"manifests: missing {sorted(expected - set(done))}, extra {sorted(set(done) - expected)}")
print(f"{len(done)} documents, {len(a)} records and texts identical; each document done once")
PY
}

# --- 1. the one-process run and the 4-task array ---
say "one-process run of $documents documents (--jobs 2)"
"$bin" run "$input" --out "$work/out-one" --jobs 2 --progress none
say "array job: $tasks tasks"
started=$(date +%s)
job=$(submit "$work/out-array" run1 --wait) || fail "array job $job failed (logs: $work/logs)"
say "array job $job finished in $(( $(date +%s) - started )) s"
cat "$work/logs/run1-${job}_"*.log | grep 'sohoa-array:' | sed 's/^/  /'
compare "$work/out-one" "$work/out-array" || fail "the shards' union is not the one-process run"
"$bin" status "$work/out-array" | sed 's/^/  /'

# --- 2. cancel a task mid-run, requeue it: nothing lost, nothing duplicated ---
# Where to cancel: run 1 processed each shard's documents in order (one worker per task); the
# longest document that is not its shard's first is cancelled while it is read, so the task
# has finished documents to keep and an unfinished one to redo.
read -r target position seconds < <(python3 - "$work/out-array" "$tasks" <<'PY'
import json, pathlib, sys
out, tasks = pathlib.Path(sys.argv[1]), int(sys.argv[2])
best = (0, 0, 0, -1.0)
for k in range(tasks):
    lines = (out / f"manifest.shard-{k}-of-{tasks}.jsonl").read_text().splitlines()
    for i, line in enumerate(lines[1:], start=1):
        rel = json.loads(line)["path"]
        ms = json.loads((out / f"{rel}.json").read_bytes())["timing_ms"]["total"]
        if ms / 1000 > best[3]:
            best = (k, i, len(lines), ms / 1000)
print(best[0], best[1], f"{best[3]:.1f}")
PY
)
out2=$work/out-cancel
job2=$(submit "$out2" run2)
say "array job $job2 submitted; task $target will be cancelled while it reads its document $((position + 1)) (${seconds} s in run 1)"
manifest=$out2/manifest.shard-$target-of-$tasks.jsonl
for _ in $(seq 1500); do
    state=$(squeue -h -j "${job2}_$target" -o %T 2>/dev/null || true)
    done_now=$(lines "$manifest")
    if [ "$state" = RUNNING ] && [ "$done_now" -ge "$position" ]; then break; fi
    [ -z "$state" ] && break
    sleep 0.2
done
[ "$state" = RUNNING ] || fail "task $target was '$state' before it could be cancelled"
sleep "$(python3 -c "print(min(1.0, $seconds / 3))")"
lines_before=$(lines "$manifest")
scancel "${job2}_$target"
for _ in $(seq 300); do
    state=$(scontrol -o show job "${job2}_$target" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
    [ "$state" = CANCELLED ] && break
    sleep 0.5
done
[ "$state" = CANCELLED ] || fail "task $target is $state after scancel"
report=$out2/run-report.shard-$target-of-$tasks.json
interrupted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interrupted"])' "$report" 2>/dev/null || echo "no report (killed)")
say "task $target cancelled after $lines_before finished document(s); its report: interrupted=$interrupted"
[ "$(lines "$manifest")" -eq "$lines_before" ] && [ "$interrupted" = True ] \
    || fail "the cancel did not land mid-run (the task finished its document or was killed)"
scontrol requeue "${job2}_$target"
# A requeued job waits before it is eligible again; this test need not.
scontrol update JobId="${job2}_$target" StartTime=now
say "task $target requeued"
for _ in $(seq 1800); do
    [ -z "$(squeue -h -j "$job2" 2>/dev/null)" ] && break
    sleep 1
done
[ -z "$(squeue -h -j "$job2")" ] || fail "job $job2 did not finish"
for k in $(seq 0 $((tasks - 1))); do
    state=$(scontrol -o show job "${job2}_$k" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
    [ "$state" = COMPLETED ] || fail "task $k ended $state (logs: $work/logs)"
done
grep -h 'sohoa-array:' "$work/logs/run2-${job2}_$target.log" | sed 's/^/  /'
python3 - "$report" "$lines_before" <<'PY' || fail "the requeued task did not resume"
import json, sys
report, before = json.load(open(sys.argv[1])), int(sys.argv[2])
if report["skipped"] < before or report["interrupted"]:
    sys.exit(f"requeued run: {report['skipped']} skipped, {before} were done before the cancel")
print(f"  requeued task: {report['skipped']} skipped (done before the cancel), {report['done']} done now")
PY
compare "$work/out-one" "$out2" || fail "after scancel + requeue the shards' union is not the one-process run"
"$bin" status "$out2" | sed 's/^/  /'
say "PASS: $tasks-task array = one-process run; scancel + requeue lost and duplicated nothing"
