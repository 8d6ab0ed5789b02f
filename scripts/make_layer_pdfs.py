#!/usr/bin/env python3
"""PDFs whose scanned pages already carry an OCR text layer, for `--text-layer judge`.

An archive's scanned PDFs often hold an invisible text layer left by the scanner or by an earlier
OCR run without Vietnamese data. This script makes such PDFs from scans: each page image is
given, unchanged (`pdfimages -j` keeps the stored JPEG), to `tesseract PAGE OUT -l eng pdf`,
which writes the image with an invisible (render mode 3) English-OCR layer over it; pages are
joined with `qpdf --pages`. A poor scan gives a poor layer, an office scan a good one. A
born-digital document (`make_text_pdf.py`) with a scanned signature page appended checks that
born-digital pages are trusted as they are.

    python3 scripts/make_layer_pdfs.py OUTDIR [--shared ../shared] [--small]

Writes OUTDIR/<name>.pdf and OUTDIR/<name>.lines.txt (the printed text, for vnscore.py; a form
feed between the born-digital and the scanned part):

  kh-03.poor.eng-layer       the poor dev scan (200 dpi, 8 pages), a poor `eng` layer
  bc-42.office.eng-layer     the office dev scan (300 dpi), a good `eng` layer
  bc-42.office.vie-layer     the same with a `vie` layer: clean Vietnamese, read without OCR
  doc-NN.QUALITY.eng-layer   docs' texts rendered with render_scan.py (first 45 lines)
  born-digital+scan          a born-digital page (docs text) with a scanned signature page
  doc-NN.scanner-layer       a scanner's PDF: the `eng` layer read from the clean 300-dpi
                             capture, the page image stored as a degraded 200-dpi JPEG of it
                             (the case where the layer came from better pixels than the image)

`--small` writes only the committed test fixtures, kept small for the repository:
`born-digital+scan.pdf` (a short born-digital page with one poor scanned page with an `eng`
layer) and `scanner-visible.pdf` (a scanner's page whose `eng` layer, read from the clean
capture, is drawn visibly under the degraded stored image: an `over_image` layer).
Needs tesseract (with eng), qpdf, pdfimages (poppler-utils), Pillow, numpy and reportlab.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

RENDERED = [("05", "poor", 711), ("12", "office", 712), ("17", "poor", 713),
            # check documents added after the combination was built (not tuned on)
            ("02", "poor", 741), ("13", "office", 742), ("21", "poor", 743)]
SCANNER = [("03", 721), ("20", 722),
           ("08", 731), ("11", 732), ("16", 733), ("19", 734)]
SMALL_LINES = 20
DOC_LINES = 45


def run(*args, **kw):
    subprocess.run([str(a) for a in args], check=True, **kw)


def layer_pdf(scan_pdf, out_pdf, work, lang="eng"):
    """`scan_pdf` (image-only) again, each page's stored image under an OCR layer in `lang`."""
    images = work / "img"
    images.mkdir(parents=True, exist_ok=True)
    listing = subprocess.run(["pdfimages", "-list", str(scan_pdf)], check=True,
                             capture_output=True, text=True).stdout.splitlines()[2:]
    dpis = [int(row.split()[12]) for row in listing]
    run("pdfimages", "-j", scan_pdf, images / "p")
    pages = []
    for i, path in enumerate(sorted(images.glob("p-*"))):
        base = work / f"page-{i:03d}"
        run("tesseract", path, base, "-l", lang, "--dpi", dpis[i], "pdf",
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pages.append(f"{base}.pdf")
    run("qpdf", "--empty", "--pages", *pages, "--", out_pdf)


def degrade_stored(img, rng):
    """What a scanner stores of its capture `img` (300 dpi): a small skew and grey paper kept
    from the capture, then downsampled to 200 dpi, softened and saved as a low-quality JPEG."""
    import io
    import numpy as np
    from PIL import Image, ImageFilter
    w, h = img.size
    img = img.resize((w * 2 // 3, h * 2 // 3), Image.BILINEAR).filter(ImageFilter.GaussianBlur(1.7))
    a = np.asarray(img).astype(np.float32) * (225 / 255.0)
    a += np.random.default_rng(rng.randrange(1 << 30)).normal(0, 30, a.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=12)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def visible_text(layer_pdf, out_pdf):
    """`layer_pdf` with its invisible text (render mode 3) drawn visibly (mode 0)."""
    qdf = out_pdf.with_suffix(".qdf")
    run("qpdf", "--qdf", "--object-streams=disable", layer_pdf, qdf)
    qdf.write_bytes(qdf.read_bytes().replace(b"3 Tr", b"0 Tr"))
    run("fix-qdf", qdf, stdout=open(out_pdf, "wb"))


def scanner_layer_pdf(text_lines, seed, out, work, shared, visible=False):
    """A scanner's searchable PDF of `text_lines`: each page is captured clean at 300 dpi
    (with a small skew), OCR'd there with `eng` into a text-only PDF (`textonly_pdf=1`), and
    stored as a degraded 200-dpi JPEG under that layer (`qpdf --overlay`); returns the printed
    lines. `visible`: the layer's text is drawn visibly under the image instead (`--underlay`,
    as some scanners write it: an `over_image` layer)."""
    import random
    from PIL import Image
    rng = random.Random(seed)
    work.mkdir(parents=True, exist_ok=True)
    src = work / "text.txt"
    src.write_text("\n".join(text_lines) + "\n", encoding="utf-8")
    run(sys.executable, shared / "tools/render_scan.py", src, work, "--quality", "clean",
        "--seed", seed, stdout=subprocess.DEVNULL)
    layers, stored = [], []
    for i, page in enumerate(sorted(work.glob("page-*.png"))):
        capture = Image.open(page).convert("L")
        capture = capture.rotate(rng.uniform(0.2, 0.8) * rng.choice([-1, 1]),
                                 resample=Image.BICUBIC, fillcolor=255)
        capture_png = work / f"capture-{i:03d}.png"
        capture.save(capture_png, dpi=(300, 300))
        base = work / f"layer-{i:03d}"
        run("tesseract", capture_png, base, "-l", "eng", "--dpi", 300, "-c", "textonly_pdf=1",
            "pdf", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        layers.append(f"{base}.pdf")
        stored.append(degrade_stored(capture, rng).convert("RGB"))
    images = work / "stored.pdf"
    stored[0].save(images, save_all=True, append_images=stored[1:], resolution=200)
    layer = work / "layer.pdf"
    run("qpdf", "--empty", "--pages", *layers, "--", layer)
    if visible:
        shown = work / "layer-visible.pdf"
        visible_text(layer, shown)
        run("qpdf", images, "--underlay", shown, "--", out)
    else:
        run("qpdf", images, "--overlay", layer, "--", out)
    return (work / "lines.txt").read_text(encoding="utf-8")


def render(text_lines, quality, seed, work, shared):
    """A scan of `text_lines` (render_scan.py): its PDF and printed lines."""
    work.mkdir(parents=True, exist_ok=True)
    src = work / "text.txt"
    src.write_text("\n".join(text_lines) + "\n", encoding="utf-8")
    run(sys.executable, shared / "tools/render_scan.py", src, work, "--quality", quality,
        "--seed", seed, stdout=subprocess.DEVNULL)
    return work / "scan.pdf", (work / "lines.txt").read_text(encoding="utf-8")


def born_digital_with_scan(doc_lines, scan_lines, out, work, shared, seed):
    """A born-digital page of `doc_lines` with a poor scan of `scan_lines` (with an `eng`
    layer) appended; returns the printed text of both, a form feed between them."""
    work.mkdir(parents=True, exist_ok=True)
    text = work / "digital.txt"
    text.write_text("\n".join(doc_lines) + "\n", encoding="utf-8")
    digital = work / "digital.pdf"
    run(sys.executable, shared / "tools/make_text_pdf.py", text, digital)
    scan, printed = render(scan_lines, "poor", seed, work / "scan", shared)
    layered = work / "scan-layer.pdf"
    layer_pdf(scan, layered, work / "layer")
    run("qpdf", "--empty", "--pages", digital, layered, "--", out)
    return "\n".join(doc_lines) + "\n\f" + printed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    out, shared = args.outdir, args.shared.resolve()
    out.mkdir(parents=True, exist_ok=True)
    docs = shared / "fixtures/docs"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.small:
            lines = (docs / "07.txt").read_text(encoding="utf-8").splitlines()
            text = born_digital_with_scan(lines[:14], lines[-12:], out / "born-digital+scan.pdf",
                                          tmp / "small", shared, 901)
            (out / "born-digital+scan.lines.txt").write_text(text, encoding="utf-8")
            lines = (docs / "14.txt").read_text(encoding="utf-8").splitlines()[:SMALL_LINES]
            printed = scanner_layer_pdf(lines, 902, out / "scanner-visible.pdf",
                                        tmp / "visible", shared, visible=True)
            (out / "scanner-visible.lines.txt").write_text(printed, encoding="utf-8")
            return
        scans = shared / "fixtures/scans"
        for name, scan in [("kh-03.poor", "kh-03-du-hongbang-2025.poor"),
                           ("bc-42.office", "bc-42-btgdvtu-2025.office")]:
            layer_pdf(scans / f"{scan}.pdf", out / f"{name}.eng-layer.pdf", tmp / name)
            (out / f"{name}.eng-layer.lines.txt").write_text(
                (scans / f"{scan}.lines.txt").read_text(encoding="utf-8"), encoding="utf-8")
        layer_pdf(scans / "bc-42-btgdvtu-2025.office.pdf", out / "bc-42.office.vie-layer.pdf",
                  tmp / "vie", lang="vie")
        (out / "bc-42.office.vie-layer.lines.txt").write_text(
            (scans / "bc-42-btgdvtu-2025.office.lines.txt").read_text(encoding="utf-8"),
            encoding="utf-8")
        for doc, quality, seed in RENDERED:
            name = f"doc-{doc}.{quality}"
            lines = (docs / f"{doc}.txt").read_text(encoding="utf-8").splitlines()[:DOC_LINES]
            scan, printed = render(lines, quality, seed, tmp / name, shared)
            layer_pdf(scan, out / f"{name}.eng-layer.pdf", tmp / name / "layer")
            (out / f"{name}.eng-layer.lines.txt").write_text(printed, encoding="utf-8")
        for doc, seed in SCANNER:
            lines = (docs / f"{doc}.txt").read_text(encoding="utf-8").splitlines()[:DOC_LINES]
            name = f"doc-{doc}.scanner-layer"
            printed = scanner_layer_pdf(lines, seed, out / f"{name}.pdf", tmp / name, shared)
            (out / f"{name}.lines.txt").write_text(printed, encoding="utf-8")
        lines = (docs / "09.txt").read_text(encoding="utf-8").splitlines()
        text = born_digital_with_scan(lines[:40], lines[-14:], out / "born-digital+scan.pdf",
                                      tmp / "bd", shared, 714)
        (out / "born-digital+scan.lines.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
