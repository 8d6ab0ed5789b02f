#!/usr/bin/env bash
# Wall time of sohoa against the tesseract CLI on the same scanned pages, in one run.
#
#   benches/ocr_vs_tesseract.sh [ocr|run] FILE...     (PDF or TIFF; default: the shared dev scans)
#
# The peer: every page's own image extracted beforehand at its own resolution (not timed; a page
# that is not one image is rendered at 300 dpi), then `tesseract PAGE - -l vie` with one process
# per core (xargs -P). sohoa: `sohoa ocr` (or `sohoa run`, which also repairs, extracts and writes
# records) on the original files, decoding the pages itself inside its time. Prints both wall
# times and the ratio (target ≤ 1.0).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-ocr}; shift || true
files=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ${#files[@]} -eq 0 ]; then
  # 30 scanned pages: the dev office (4 pages) and poor (11 pages) scans, twice, in one PDF.
  python3 - "$work/30-pages.pdf" <<'PY'
import sys, pypdfium2 as pdfium
out = pdfium.PdfDocument.new()
for _ in range(2):
    for f in ("../shared/fixtures/scans/bc-42-btgdvtu-2025.office.pdf", "../shared/fixtures/scans/kh-03-du-hongbang-2025.poor.pdf"):
        out.import_pages(pdfium.PdfDocument(f))
out.save(sys.argv[1])
PY
  files=("$work/30-pages.pdf")
fi
bin=target/release/sohoa
[ -x "$bin" ] || cargo build --release --quiet
cores=$(nproc)
python3 - "$work" "${files[@]}" <<'PY'
# Each page as the peer should see it: a scanned PDF page's own image at its own resolution (as
# stored, not rendered), a TIFF frame as it is; other PDF pages rendered at 300 dpi.
import sys, pypdfium2 as pdfium, pypdfium2.raw as raw
from PIL import Image, ImageSequence
out, n = sys.argv[1], 0
for f in sys.argv[2:]:
    if open(f, "rb").read(5) == b"%PDF-":
        for page in pdfium.PdfDocument(f):
            n += 1
            images = [o for o in page.get_objects() if o.type == raw.FPDF_PAGEOBJ_IMAGE]
            if len(images) == 1:
                bitmap = images[0].get_bitmap(render=False).to_pil().convert("L")
                dpi = round(bitmap.width / (page.get_width() / 72))
                bitmap.save(f"{out}/p{n:04d}.png", dpi=(dpi, dpi))
            else:
                page.render(scale=300 / 72).to_pil().convert("L").save(f"{out}/p{n:04d}.png", dpi=(300, 300))
    else:
        for frame in ImageSequence.Iterator(Image.open(f)):
            n += 1
            dpi = frame.info.get("dpi", (300, 300))
            frame.convert("L").save(f"{out}/p{n:04d}.png", dpi=tuple(round(d) for d in dpi))
print(f"{n} pages", file=sys.stderr)
PY
pages=$(ls "$work"/*.png | wc -l)
t0=$(date +%s.%N)
ls "$work"/*.png | OMP_THREAD_LIMIT=1 xargs -P "$cores" -I{} sh -c 'tesseract "$1" - -l vie >/dev/null 2>&1' _ {}
t1=$(date +%s.%N)
if [ "$mode" = run ]; then
  rm -rf "$work/out"
  "$bin" run --quiet --progress none --jobs "$cores" --out "$work/out" "${files[@]}" || true
else
  "$bin" ocr --jobs "$cores" "${files[@]}" >/dev/null || true
fi
t2=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" "$pages" "$cores" "$mode" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:4]); pages, cores, mode = sys.argv[4], sys.argv[5], sys.argv[6]
peer, ours = t1 - t0, t2 - t1
print(f"{pages} pages, {cores} cores")
print(f"tesseract CLI (1 process per core): {peer:.2f} s")
print(f"sohoa {mode} --jobs {cores}:            {ours:.2f} s")
print(f"ratio sohoa / tesseract: {ours / peer:.3f}  (target <= 1.0)")
PY
