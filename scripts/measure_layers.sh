#!/usr/bin/env bash
# PDFs with an OCR text layer over a scan: per document, the syllable accuracy of `sohoa run`
# with the layer repaired alone (--text-layer trust), the page images OCR'd alone with `vie`
# (--text-layer ocr) and both readings combined (--text-layer judge, the default), scored with
# ../shared/tools/vnscore.py --flat against the printed lines; with the pages OCR'd and the
# seconds each run took.
#
#   scripts/measure_layers.sh [DIR]
#
# DIR holds NAME.pdf + NAME.lines.txt pairs (default /tmp/sohoa-layers, made first by
# scripts/make_layer_pdfs.py when missing). Extra `sohoa run` options go in SOHOA_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-/tmp/sohoa-layers}
bin=${SOHOA:-target/release/sohoa}
shared=${SHARED:-../shared}
if ! ls "$dir"/*.pdf >/dev/null 2>&1; then
  python3 scripts/make_layer_pdfs.py "$dir" --shared "$shared"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'document\tlayer (trust)\tvie OCR (ocr)\tcombined (judge)\tpages OCR'"'"'d judge\tseconds trust/ocr/judge\n'
for pdf in "$dir"/*.pdf; do
  name=$(basename "$pdf" .pdf)
  lines=$dir/$name.lines.txt
  row=$name
  ocr_pages=""
  secs=""
  for mode in trust ocr judge; do
    rm -rf "$work/out"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$bin" run --quiet --progress none --text-layer "$mode" --out "$work/out" ${SOHOA_ARGS:-} "$pdf" >/dev/null
    end=$(date +%s.%N)
    secs="$secs$(python3 -c "print(f'{$end - $start:.1f}')")/"
    acc=$(python3 "$shared/tools/vnscore.py" --flat --json "$lines" "$work/out/$name.pdf.txt" |
          python3 -c 'import json,sys; a = json.load(sys.stdin)["syllable_accuracy"]; print(f"{100 * a:.2f} %")')
    row="$row\t$acc"
    if [ "$mode" = judge ]; then
      ocr_pages=$(python3 - "$work/out/$name.pdf.json" <<'PY'
import json, sys
pages = json.load(open(sys.argv[1]))["pages"]
ocrd = sum(1 for p in pages if p.get("image"))
kinds = ",".join(sorted({f'{p["text_layer"]["kind"]}:{p["text_layer"]["source"]}' for p in pages if p.get("text_layer")}))
print(f"{ocrd}/{len(pages)} ({kinds})")
PY
)
    fi
  done
  printf '%b\t%s\t%s\n' "$row" "$ocr_pages" "${secs%/}"
done
