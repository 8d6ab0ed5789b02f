#!/usr/bin/env bash
# ASCII → diacritics: sohoa restore against pyvi's ViUtils.add_accents (PyPI `pyvi`, a CRF
# model), on the same text, in one run, one core each. Prints syllables/s of both, the speed
# ratio (target ≥ 100×) and both accuracies (shared/tools/vnscore.py).
#
#   benches/restore_vs_pyvi.sh [CLEAN_TEXT...]   (default: fixtures/repair/*.truth.txt)
#
# Needs `pip install pyvi`; sohoa is timed as a whole process (model load included) on the
# text repeated to about 50,000 syllables, pyvi on the same text inside Python (its model
# load excluded), each the best of three runs.
set -euo pipefail
cd "$(dirname "$0")/.."
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(fixtures/repair/*.truth.txt)
bin=${SOHOA_BIN:-target/release/sohoa}
[ -x "$bin" ] || cargo build --release --quiet
python3 -c "import pyvi" 2>/dev/null || { echo "pyvi is missing: pip install pyvi" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "${files[@]}" > "$work/truth.txt"
python3 - "$work" <<'PY'
import sys, unicodedata
work = sys.argv[1]
truth = open(f"{work}/truth.txt", encoding="utf-8").read()
def strip(s):
    s = unicodedata.normalize("NFD", s).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(c for c in s if unicodedata.category(c) != "Mn"))
ascii = strip(truth)
open(f"{work}/ascii.txt", "w", encoding="utf-8").write(ascii)
n = len(ascii.split())
reps = max(1, 50_000 // max(n, 1))
open(f"{work}/big.txt", "w", encoding="utf-8").write("\n".join([ascii] * reps))
open(f"{work}/n", "w").write(str(n * reps))
PY
n=$(cat "$work/n")
best=999999
for _ in 1 2 3; do
  s=$(date +%s.%N); taskset -c 0 "$bin" restore "$work/big.txt" > "$work/sohoa.big.txt"; e=$(date +%s.%N)
  t=$(echo "$e - $s" | bc -l); best=$(echo "if ($t < $best) $t else $best" | bc -l)
done
"$bin" restore "$work/ascii.txt" > "$work/sohoa.txt"
taskset -c 0 python3 - "$work" "$n" "$best" <<'PY'
import sys, time
from pyvi import ViUtils
work, n, sohoa_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
lines = open(f"{work}/big.txt", encoding="utf-8").read().split("\n")
def accents(line):
    # pyvi raises KeyError on some inputs (e.g. "tt"): the line then stays as it was
    if not line.strip():
        return line
    try:
        return ViUtils.add_accents(line)
    except Exception:
        return line
accents("khoi dong")  # load the model before timing
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    out = [accents(l) for l in lines]
    best = min(best, time.perf_counter() - t)
small = open(f"{work}/ascii.txt", encoding="utf-8").read().split("\n")
open(f"{work}/pyvi.txt", "w", encoding="utf-8").write(
    "\n".join(accents(l) for l in small))
print(f"syllables: {n}")
print(f"sohoa restore: {sohoa_s:.3f} s, {n / sohoa_s:,.0f} syllables/s (model load included)")
print(f"pyvi add_accents: {best:.3f} s, {n / best:,.0f} syllables/s")
print(f"speed ratio sohoa/pyvi: {best / sohoa_s:.1f}x")
PY
for who in sohoa pyvi; do
  acc=$(python3 ../shared/tools/vnscore.py "$work/truth.txt" "$work/$who.txt" 2>/dev/null | grep syllable_accuracy || echo "syllable_accuracy: (needs ../shared/tools)")
  echo "$who $acc"
done
