#!/usr/bin/env python3
"""Make aligned (OCR, truth) line pairs for learning the OCR-confusion channel.

  scripts/make_ocr_pairs.py CORPUS.txt.xz OUTDIR [--pages 60] [--lines 36] [--seed 7] [--skip-mod 50] [--rate 0.004] [--heldout]

Samples clean lines of running text from a legal corpus (NOT the dev fixtures), renders each
page of lines as a scan with ../shared/tools/render_scan.py (qualities clean/office/poor in turn,
font sizes 12-14 pt), OCRs it with `tesseract IMG - -l eng --psm 6` (the legacy set-up: no
Vietnamese data), and aligns the OCR lines to the printed lines by edit distance. Writes
OUTDIR/pNNN.truth.txt and OUTDIR/pNNN.ocr.txt, line N <-> line N (unmatched lines dropped).
Documents whose index is a multiple of --skip-mod are never sampled (kept for held-out tests).
"""
import argparse, lzma, os, random, re, subprocess, sys, tempfile, unicodedata
from rapidfuzz.distance import Levenshtein

HERE = os.path.dirname(os.path.abspath(__file__))
RENDER = os.path.join(HERE, "..", "..", "shared", "tools", "render_scan.py")
WORD = re.compile(r"\w+", re.UNICODE)


def good(line):
    if not (25 <= len(line) <= 160) or line.startswith(("#", "|", "---", "-  ")):
        return False
    words = WORD.findall(line)
    if len(words) < 5:
        return False
    alpha = sum(w.isalpha() for w in words)
    return alpha / len(words) > 0.8 and ":" not in line[:20]


def sample_lines(path, n, seed, skip_mod, want_mod, rate):
    rng = random.Random(seed)
    keep, doc = [], 0
    with lzma.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("docid:"):
                doc += 1
            if (doc % skip_mod == 0) != want_mod:
                continue
            line = unicodedata.normalize("NFC", line.strip())
            if good(line) and rng.random() < rate:
                keep.append(line)
    rng.shuffle(keep)
    out = keep[:n]
    # a share of headings in capitals, as documents have
    for i in range(0, len(out), 9):
        out[i] = out[i].upper()
    return out


def align_lines(truth, ocr):
    """Monotone alignment of OCR lines to truth lines (DP on normalised edit distance)."""
    n, m = len(truth), len(ocr)
    INF = float("inf")
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0] = [0.0] * (m + 1)
    for i in range(n + 1):
        cost[i][0] = 0.0 if i == 0 else cost[i - 1][0] + 1
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d = Levenshtein.normalized_distance(truth[i - 1], ocr[j - 1])
            opts = [(cost[i - 1][j - 1] + d, (i - 1, j - 1, True)),
                    (cost[i - 1][j] + 1, (i - 1, j, False)),
                    (cost[i][j - 1] + 1, (i, j - 1, False))]
            cost[i][j], back[i][j] = min(opts, key=lambda o: o[0])
    pairs, i, j = [], n, m
    while i > 0 and j > 0:
        pi, pj, match = back[i][j]
        if match and Levenshtein.normalized_distance(truth[i - 1], ocr[j - 1]) < 0.6:
            pairs.append((truth[i - 1], ocr[j - 1]))
        i, j = pi, pj
    return pairs[::-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("outdir")
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--lines", type=int, default=36)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-mod", type=int, default=50)
    ap.add_argument("--rate", type=float, default=0.004, help="share of qualifying lines sampled")
    ap.add_argument("--heldout", action="store_true", help="sample only the held-out documents")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    lines = sample_lines(args.corpus, args.pages * args.lines, args.seed, args.skip_mod, args.heldout, args.rate)
    qualities = ["office", "poor", "clean"]
    for p in range(args.pages):
        chunk = lines[p * args.lines:(p + 1) * args.lines]
        if not chunk:
            break
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "in.txt")
            with open(src, "w", encoding="utf-8") as f:
                f.write("\n".join(chunk) + "\n")
            q = qualities[p % 3]
            subprocess.run([sys.executable, RENDER, src, tmp, "--quality", q, "--seed", str(args.seed + p),
                            "--pt", str(13 + p % 2)], check=True, capture_output=True)
            printed = [l for l in open(os.path.join(tmp, "lines.txt"), encoding="utf-8").read().split("\n") if l.strip()]
            ocr = []
            for img in sorted(x for x in os.listdir(tmp) if x.startswith("page-")):
                r = subprocess.run(["tesseract", os.path.join(tmp, img), "-", "-l", "eng", "--psm", "6"],
                                   capture_output=True, text=True, check=True)
                ocr += [l for l in r.stdout.split("\n") if l.strip()]
        pairs = align_lines(printed, ocr)
        base = os.path.join(args.outdir, f"p{p:03d}")
        with open(base + ".truth.txt", "w", encoding="utf-8") as f:
            f.write("".join(t + "\n" for t, _ in pairs))
        with open(base + ".ocr.txt", "w", encoding="utf-8") as f:
            f.write("".join(o + "\n" for _, o in pairs))
        print(f"page {p}: {q}, {len(printed)} printed, {len(ocr)} ocr, {len(pairs)} pairs", flush=True)


if __name__ == "__main__":
    main()
