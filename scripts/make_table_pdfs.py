#!/usr/bin/env python3
"""Born-digital PDFs and scans of documents with tables, for measuring table reading.

  make_table_pdfs.py TEXT... --out DIR [--unruled NAME:K ...] [--seed N] [--scans office,poor]

Each TEXT is a document in the fixtures' convention (a table row is one line with cells
separated by " | "). It is laid out as HTML (Liberation Serif 13 pt, A4, the margins of Nghị
định 30/2020) and printed to PDF by headless Chromium:

  DIR/born/NAME.pdf     born-digital: a real text layer, tables drawn with ruling lines;
                        header cells merged where the rows leave their positions empty
                        (colspan to the right in the first row, rowspan downwards in the header
                        rows), long tables split over pages without a repeated header
  DIR/office/NAME.pdf   the born PDF's pages rendered at 300 dpi (pdftoppm), degraded like
                        ../shared/tools/render_scan.py's office quality, as an image-only PDF
  DIR/poor/NAME.pdf     the same at 200 dpi, poor quality
  DIR/skewed/NAME-N.png with --scans skewed: each page at 200 dpi, skewed, blurred and
                        made bilevel (small test pages)

--unruled NAME:K draws table K (1-based) of document NAME without any rules (a table laid out
with spaces only).

  make_table_pdfs.py --bad DIR

writes the bad inputs of the table reader: DIR/form.pdf (a page of only ruling lines, no text),
DIR/huge.pdf (one table of 2,000 rows over about 40 pages), DIR/wide-cell.pdf (a table whose
first cell spans the whole page width) and DIR/rotated.pdf (a ruled table on a page turned by
/Rotate 90, made with qpdf). Needs chromium, poppler-utils, qpdf, Pillow and numpy.
"""
import argparse
import html
import io
import os
import random
import re
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageFilter

ITEM = re.compile(r"^(\d{1,3}(\.\d{1,2})*|[IVXL]{1,5}|[A-Za-z])[.)]?$")


def cells(line):
    t = line.strip()
    if " | " in t or t.startswith("|") or t.endswith("|"):
        c = [" ".join(x.split()) for x in t.split("|")]
        if len(c) >= 2 and any(c):
            return c
    return None


def blocks(lines):
    """The text as a list of ('p', line) and ('table', rows)."""
    out, rows = [], []
    for line in lines:
        c = cells(line)
        if c is not None:
            rows.append(c)
            continue
        if rows:
            out.append(("table", rows) if len(rows) >= 2 else ("p", " | ".join(rows[0])))
            rows = []
        out.append(("p", line))
    if rows:
        out.append(("table", rows))
    return out


def header_rows(rows):
    """Row 0, and the rows after it that continue the header (first cell empty, not an item)."""
    n = 1
    while n < min(len(rows) - 1, 3) and rows[n][0] == "" and "" in rows[n][1:] and not any(
        ITEM.match(c) for c in rows[n][:1] if c
    ):
        n += 1
    return n


def table_html(rows, ruled):
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    nh = header_rows(rows)
    covered = set()
    spans = {}
    for i in range(nh):
        for j in range(width):
            if (i, j) in covered or rows[i][j] == "":
                continue
            cs = 1
            if i == 0:
                while j + cs < width and rows[0][j + cs] == "" and all(
                    rows[k][j + cs] != "" for k in range(1, nh)
                ):
                    cs += 1
            rs = 1
            while i + rs < nh and all(rows[i + rs][j + d] == "" for d in range(cs)):
                rs += 1
            spans[(i, j)] = (rs, cs)
            for a in range(i, i + rs):
                for b in range(j, j + cs):
                    if (a, b) != (i, j):
                        covered.add((a, b))
    cls = "ruled" if ruled else "plain"
    out = [f'<table class="{cls}">']
    for i, r in enumerate(rows):
        out.append("<tr>")
        for j, c in enumerate(r):
            if (i, j) in covered:
                continue
            rs, cs = spans.get((i, j), (1, 1))
            tag = "th" if i < nh else "td"
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            out.append(f"<{tag}{attrs}>{html.escape(c)}</{tag}>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: 'Liberation Serif', serif; font-size: 13pt; line-height: 1.25; }
p { margin: 0 0 3pt 0; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt 0; font-size: 11pt; }
table.ruled th, table.ruled td { border: 0.75pt solid #000; }
th, td { padding: 2pt 4pt; vertical-align: top; text-align: left; }
table.plain td, table.plain th { padding: 2pt 10pt 2pt 0; }
thead { display: table-row-group; }
tr { break-inside: avoid; }
"""


def document_html(lines, unruled):
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"]
    k = 0
    for kind, x in blocks(lines):
        if kind == "table":
            k += 1
            parts.append(table_html(x, k not in unruled))
        elif x.strip():
            parts.append(f"<p>{html.escape(x)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def print_pdf(html_text, pdf):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "doc.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(html_text)
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--user-data-dir={tmp}/profile", f"--print-to-pdf={pdf}", f"file://{src}"],
            check=True, capture_output=True)


def degrade(img, quality, rng):
    """render_scan.py's office/poor degradation: skew, blur, grey paper, noise, specks, JPEG
    ("skewed": the skew and blur only, for small PNG test pages)."""
    np_rng = np.random.default_rng(rng.randrange(1 << 30))
    angle = rng.uniform(0.3, 1.2) * rng.choice([-1, 1])
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.6 if quality in ("office", "skewed") else 1.0))
    if quality == "skewed":
        return img
    a = np.asarray(img).astype(np.float32) * ((235 if quality == "office" else 220) / 255.0)
    a = a + np_rng.normal(0, 8 if quality == "office" else 16, a.shape)
    a[np_rng.random(a.shape) < (0.0004 if quality == "office" else 0.002)] = 30
    if quality == "poor":
        a = a * np.linspace(1.0, 0.85, a.shape[0])[:, None]
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70 if quality == "office" else 45)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def scan_pdf(born, out, dpi, quality, rng):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", born, f"{tmp}/p"], check=True)
        names = sorted(n for n in os.listdir(tmp) if n.endswith(".png"))
        pages = [degrade(Image.open(os.path.join(tmp, n)).convert("L"), quality, rng) for n in names]
    if quality == "skewed":
        for i, p in enumerate(pages, 1):
            # Bilevel, as a fax or a document scanner's black-and-white mode writes it.
            p.point(lambda v: 255 if v > 160 else 0).convert("1").save(
                out.replace(".pdf", f"-{i}.png"), dpi=(dpi, dpi), optimize=True)
        return
    # Grey JPEG pages, as an office scanner writes them.
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=dpi)


def bad_inputs(out):
    os.makedirs(out, exist_ok=True)
    form_html = document_html([], set()).replace("</body>", table_html([[""] * 5] * 12, True) + "</body>")
    print_pdf(form_html, os.path.join(out, "form.pdf"))
    huge = ["Bảng lớn", "STT | Tên | Giá trị"] + [f"{i} | Mục số {i} | {i * 7}" for i in range(1, 2001)]
    print_pdf(document_html(huge, set()), os.path.join(out, "huge.pdf"))
    wide = ["Bảng có ô rộng", "Ghi chú chung cho toàn bộ bảng: " + "nội dung rất dài trải hết chiều ngang trang " * 6 + " | ",
            "A | B", "1 | 2"]
    print_pdf(document_html(wide, set()), os.path.join(out, "wide-cell.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "small.pdf")
        print_pdf(document_html(["Bảng quay", "STT | Tên", "1 | Một", "2 | Hai"], set()), small)
        subprocess.run(["qpdf", "--rotate=+90", small, os.path.join(out, "rotated.pdf")], check=True)
    print(f"bad inputs -> {out}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--bad":
        bad_inputs(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("texts", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--unruled", action="append", default=[], help="NAME:K")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--scans", default="office,poor")
    args = ap.parse_args()
    unruled = {}
    for u in args.unruled:
        name, k = u.rsplit(":", 1)
        unruled.setdefault(name, set()).add(int(k))
    rng = random.Random(args.seed)
    qualities = [q for q in args.scans.split(",") if q]
    for d in ["born"] + qualities:
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    for path in args.texts:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            lines = [l.rstrip("\n").replace("\f", "") for l in f]
        born = os.path.join(args.out, "born", f"{name}.pdf")
        print_pdf(document_html(lines, unruled.get(name, set())), born)
        for q in qualities:
            scan_pdf(born, os.path.join(args.out, q, f"{name}.pdf"), 300 if q == "office" else 200, q, rng)
        print(f"{name}: {born}" + "".join(f", {q}" for q in qualities))


if __name__ == "__main__":
    main()
