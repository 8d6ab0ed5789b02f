#!/usr/bin/env bash
# The README's repair figures, with the committed model in dictionaries/ (or MODEL_DIR):
# legacy-OCR repair of the two dev documents (with the committed confusion table, and
# cross-validated: the document's own pairs subtracted from the table, as a held-out document
# sees it), the held-out synthetic legal page, ASCII restoration of the three clean texts, and
# no damage on them. Scores with ../shared/tools/vnscore.py.
#
#   scripts/measure_repair.sh [SOHOA_BIN] [MODEL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/sohoa}
model=${2:-dictionaries}
shared=../shared
score() { python3 "$shared/tools/vnscore.py" "$1" "$2" | sed -n 's/^syllable_accuracy: //p'; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for d in bc-42-btgdvtu-2025 kh-03-du-hongbang-2025; do
  ocr=$shared/fixtures/ocr/$d.ocr.txt truth=$shared/fixtures/ocr/$d.truth.txt
  "$bin" restore --model "$model" "$ocr" > "$work/out.txt"
  committed=$(score "$truth" "$work/out.txt")
  # cross-validated: the table less this document's counts (the build counts real pairs 3×)
  mkdir -p "$work/pair" "$work/cv"
  cp "$ocr" "$truth" "$work/pair/"
  "$bin" lm confusions --pairs "$work/pair" --out "$work/doc.tsv" 2>/dev/null
  cp "$model"/*.lm "$model"/*.tsv "$work/cv/"
  python3 - "$model/confusions.tsv" "$work/doc.tsv" 3 "$work/cv/confusions.tsv" <<'PY'
import sys
def load(p):
    counts, chars = {}, 0
    for line in open(p, encoding="utf-8"):
        if line.startswith("#"):
            chars = int(line.rsplit("aligned_chars=", 1)[1]); continue
        line = line.rstrip("\n")
        if line:
            a, o, n = line.split("\t")
            # the channel reads every apostrophe as ’ (lm::confusions::ocr_char)
            o = o.replace("'", "’").replace("‘", "’").replace("`", "’")
            counts[(a, o)] = counts.get((a, o), 0.0) + float(n)
    return counts, chars
full, full_chars = load(sys.argv[1]); doc, doc_chars = load(sys.argv[2]); k = float(sys.argv[3])
with open(sys.argv[4], "w", encoding="utf-8") as out:
    out.write("# sohoa OCR-confusion table: true char\\tOCR string\\tcount (∅ for insertions); "
              f"aligned_chars={int(full_chars - k * doc_chars)}\n")
    for key, n in full.items():
        if n - k * doc.get(key, 0) > 0:
            out.write(f"{key[0]}\t{key[1]}\t{n - k * doc.get(key, 0):g}\n")
PY
  "$bin" restore --model "$work/cv" "$ocr" > "$work/out.txt"
  echo "legacy OCR $d: $committed (cross-validated $(score "$truth" "$work/out.txt"))"
  rm -rf "$work/pair" "$work/cv"
done
"$bin" restore --model "$model" fixtures/repair/legal-heldout.ocr.txt > "$work/out.txt"
echo "legacy OCR held-out legal page: $(score fixtures/repair/legal-heldout.truth.txt "$work/out.txt")"
for f in "$shared/fixtures/clean/bc-tuan48-btgdvtu-2025.txt" "$shared"/fixtures/ocr/*.truth.txt; do
  python3 "$shared/tools/vnscore.py" --strip "$f" > "$work/ascii.txt"
  "$bin" restore --model "$model" "$work/ascii.txt" > "$work/out.txt"
  "$bin" restore --model "$model" "$f" > "$work/same.txt"
  same=$(python3 -c 'import sys; a=open(sys.argv[1]).read().split("\n"); b=open(sys.argv[2]).read().split("\n"); print(f"{sum(x==y for x,y in zip(a,b))}/{len(a)}")' "$f" "$work/same.txt")
  echo "ASCII $(basename "$f"): $(score "$f" "$work/out.txt"); no damage: $same lines unchanged"
done
