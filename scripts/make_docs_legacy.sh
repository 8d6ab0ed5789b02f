#!/usr/bin/env bash
# Legacy OCR of the 22 development documents, the way the archives' old text was made: each
# document's correct text rendered as a scan by ../shared/tools/render_scan.py (office quality,
# 300 dpi, fixed seeds) and read by Tesseract's English model (`-l eng --psm 6`: no Vietnamese
# data), pages joined with form feeds. The gold metadata stays that of the correct text.
#
#   scripts/make_docs_legacy.sh OUTDIR        # writes OUTDIR/NN.txt for ../shared/fixtures/docs/NN.txt
#
# Needs python3 with pillow/numpy and the tesseract CLI with eng data (make setup installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
out=${1:?usage: scripts/make_docs_legacy.sh OUTDIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seed=500
for f in "$SHARED"/fixtures/docs/*.txt; do
  n=$(basename "$f" .txt)
  seed=$((seed + 1))
  [ -s "$out/$n.txt" ] && continue
  rm -rf "${work:?}/$n"
  python3 "$SHARED/tools/render_scan.py" --quality office --dpi 300 --seed "$seed" "$f" "$work/$n" >/dev/null
  : > "$out/$n.txt.part"
  first=1
  for p in "$work/$n"/page-*.png; do
    [ $first = 1 ] || printf '\f' >> "$out/$n.txt.part"
    first=0
    OMP_THREAD_LIMIT=1 tesseract "$p" - -l eng --psm 6 2>/dev/null >> "$out/$n.txt.part"
  done
  mv "$out/$n.txt.part" "$out/$n.txt"
  echo "$n" >&2
done
