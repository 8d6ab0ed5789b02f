#!/usr/bin/env bash
# Reproduces the "Metadata extraction" table of README.md: `sohoa extract --metadata-only`
# scored by ../shared/tools/extract_score.py against ../shared/fixtures/gold.
#
#   scripts/measure_extract.sh                 # the three dev rows
#   scripts/measure_extract.sh docs docs-legacy  # the 22 docs: correct text, legacy OCR
#   rows: text | legacy | scans | docs | docs-legacy (legacy OCR made once by
#   scripts/make_docs_legacy.sh into $DOCS_LEGACY, default /tmp/sohoa-docs-legacy)
#
# Needs ../shared (the development fixtures) and a release build (cargo build --release --locked).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
SOHOA=${SOHOA:-target/release/sohoa}
GOLD=$SHARED/fixtures/gold
SCORE="python3 $SHARED/tools/extract_score.py"
[ -d "$SHARED/fixtures" ] || { echo "no $SHARED/fixtures: nothing to measure" >&2; exit 1; }
[ -x "$SOHOA" ] || { echo "no $SOHOA: run cargo build --release --locked" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROWS=${*:-text legacy scans}

for row in $ROWS; do
  out=$WORK/$row
  mkdir -p "$out"
  gold=$GOLD
  case $row in
    text)   # (a) the three dev documents' correct text
      "$SOHOA" extract --metadata-only "$SHARED/fixtures/clean/bc-tuan48-btgdvtu-2025.txt" > "$out/bc-tuan48-btgdvtu-2025.json"
      for f in "$SHARED"/fixtures/ocr/*.truth.txt; do
        n=$(basename "$f" .truth.txt)
        "$SOHOA" extract --metadata-only "$f" > "$out/$n.json"
      done ;;
    legacy) # (b) the two legacy-OCR files, repaired by sohoa
      gold=$WORK/gold-legacy
      mkdir -p "$gold"
      for f in "$SHARED"/fixtures/ocr/*.ocr.txt; do
        n=$(basename "$f" .ocr.txt)
        cp "$GOLD/$n.json" "$gold/"
        "$SOHOA" extract --metadata-only "$f" > "$out/$n.json"
      done ;;
    scans)  # (c) the dev scans (image-only PDF office/poor, born-digital PDF, multi-page TIFF)
      gold=$WORK/gold-scans
      mkdir -p "$gold"
      for f in "$SHARED"/fixtures/scans/*.pdf "$SHARED"/fixtures/scans/*.tif; do
        b=$(basename "$f"); n=${b%%.*}; v=${b#"$n".}; v=${v%.*}
        cp "$GOLD/$n.json" "$gold/$n.$v.json"
        "$SOHOA" extract --metadata-only "$f" > "$out/$n.$v.json"
      done ;;
    docs)   # (d) the 22 more documents' correct text
      gold=$SHARED/fixtures/docs
      for f in "$SHARED"/fixtures/docs/*.txt; do
        "$SOHOA" extract --metadata-only "$f" > "$out/$(basename "$f" .txt).json"
      done ;;
    docs-legacy) # (e) the same documents as legacy OCR (rendered, `tesseract -l eng`)
      gold=$SHARED/fixtures/docs
      legacy=${DOCS_LEGACY:-/tmp/sohoa-docs-legacy}
      SHARED=$SHARED scripts/make_docs_legacy.sh "$legacy"
      for f in "$legacy"/*.txt; do
        "$SOHOA" extract --metadata-only "$f" > "$out/$(basename "$f" .txt).json"
      done ;;
    *) echo "unknown row $row (text | legacy | scans | docs | docs-legacy)" >&2; exit 2 ;;
  esac
  echo "== $row"
  $SCORE "$gold" "$out"
done
