#!/usr/bin/env bash
# OCR accuracy on scans: `sohoa ocr` (raw) or `sohoa run` (repaired text) on each scan, scored
# with ../shared/tools/vnscore.py --flat against the printed lines.
#
#   scripts/measure_scans.sh [ocr|run] [SCAN.pdf:LINES.txt ...]
#
# Without pairs: the dev scans in ../shared/fixtures/scans (office and poor PDFs, the TIFF).
# Extra `sohoa` options go in SOHOA_ARGS (e.g. SOHOA_ARGS="--threshold sauvola"). Prints one
# line per scan (syllable accuracy, CER) and the mean over the scans, weighted by reference words.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-ocr}; shift || true
bin=${SOHOA:-target/release/sohoa}
shared=${SHARED:-../shared}
pairs=("$@")
if [ ${#pairs[@]} -eq 0 ]; then
  s=$shared/fixtures/scans
  pairs=("$s/bc-42-btgdvtu-2025.office.pdf:$s/bc-42-btgdvtu-2025.office.lines.txt"
         "$s/kh-03-du-hongbang-2025.poor.pdf:$s/kh-03-du-hongbang-2025.poor.lines.txt"
         "$s/bc-tuan48-btgdvtu-2025.clean.tif:$s/bc-tuan48-btgdvtu-2025.clean.lines.txt")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total_words=0
for pair in "${pairs[@]}"; do
  scan=${pair%%:*} lines=${pair#*:}
  name=$(basename "$(dirname "$scan")")/$(basename "$scan")
  if [ "$mode" = run ]; then
    rm -rf "$work/out"
    # shellcheck disable=SC2086
    "$bin" run --quiet --progress none --out "$work/out" ${SOHOA_ARGS:-} "$scan" >/dev/null
    cp "$work/out/$(basename "$scan").txt" "$work/text.txt"
  else
    # shellcheck disable=SC2086
    "$bin" ocr ${SOHOA_ARGS:-} "$scan" > "$work/text.txt"
  fi
  python3 "$shared/tools/vnscore.py" --flat --json "$lines" "$work/text.txt" > "$work/score.json"
  python3 - "$work/score.json" "$name" "$work/sum.tsv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
acc, cer, n = s["syllable_accuracy"], s["cer"], s["reference_tokens"]
print(f"{sys.argv[2]}\t{100 * acc:.2f} %\tCER {100 * cer:.2f} %")
open(sys.argv[3], "a").write(f"{acc}\t{cer}\t{n}\n")
PY
done
python3 - "$work/sum.tsv" <<'PY'
import sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
n = sum(r[2] for r in rows)
print(f"mean (by words)\t{100 * sum(r[0] * r[2] for r in rows) / n:.2f} %\tCER {100 * sum(r[1] * r[2] for r in rows) / n:.2f} %")
PY
