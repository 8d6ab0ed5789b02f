#!/usr/bin/env bash
# Reproduces the "Tables" table of README.md: `sohoa extract --metadata-only` on the 22
# documents of ../shared/fixtures/docs as text, as born-digital PDFs and as office (300 dpi) and
# poor (200 dpi) scans of those PDFs, scored by ../shared/tools/extract_score.py (tables_f1:
# cell adjacency F1) against the docs' gold JSON, with the tables found, missed and invented.
#
#   scripts/measure_tables.sh                  # all rows
#   scripts/measure_tables.sh text born        # some rows (text | born | office | poor)
#   DOCS="01 04 15" scripts/measure_tables.sh  # some documents
#
# The PDFs and scans are made once by scripts/make_table_pdfs.py into $INPUTS (table 2 of
# document 15 drawn without rules). Needs ../shared, chromium, poppler-utils, Pillow, numpy
# and a release build (cargo build --release --locked).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
SOHOA=${SOHOA:-target/release/sohoa}
GOLD=$SHARED/fixtures/docs
INPUTS=${INPUTS:-target/table-inputs}
[ -d "$GOLD" ] || { echo "no $GOLD: nothing to measure" >&2; exit 1; }
[ -x "$SOHOA" ] || { echo "no $SOHOA: run cargo build --release --locked" >&2; exit 1; }
DOCS=${DOCS:-$(cd "$GOLD" && ls *.txt | sed 's/\.txt$//' | tr '\n' ' ')}
ROWS=${*:-text born office poor}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

missing=""
for d in $DOCS; do [ -f "$INPUTS/poor/$d.pdf" ] || missing="$missing $GOLD/$d.txt"; done
if [ -n "$missing" ]; then
  python3 scripts/make_table_pdfs.py $missing --out "$INPUTS" --unruled 15:2 >&2
fi

for row in $ROWS; do
  out=$WORK/$row gold=$WORK/gold-$row
  mkdir -p "$out" "$gold"
  start=$(date +%s)
  for d in $DOCS; do
    cp "$GOLD/$d.json" "$gold/"
    case $row in
      text) input=$GOLD/$d.txt ;;
      *)    input=$INPUTS/$row/$d.pdf ;;
    esac
    "$SOHOA" extract --metadata-only "$input" > "$out/$d.json" 2>> "$WORK/$row.stderr" || true
  done
  secs=$(( $(date +%s) - start ))
  f1=$(python3 "$SHARED/tools/extract_score.py" "$gold" "$out" | sed -n 's/^tables_f1: //p')
  counts=$(python3 - "$gold" "$out" <<'PY'
import json, os, sys
gold_dir, out_dir = sys.argv[1:]
g = p = found = 0
for name in sorted(os.listdir(gold_dir)):
    gt = len(json.load(open(os.path.join(gold_dir, name), encoding="utf-8")).get("tables") or [])
    try:
        pt = len(json.load(open(os.path.join(out_dir, name), encoding="utf-8")).get("tables") or [])
    except (OSError, ValueError):
        pt = 0
    g, p, found = g + gt, p + pt, found + min(gt, pt)
print(f"tables found {found}/{g}, extra {p - found}")
PY
)
  echo "$row: tables_f1 $f1, $counts, ${secs}s"
done
