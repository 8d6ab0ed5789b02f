#!/usr/bin/env bash
# Installs what sohoa needs on Debian 12, and nothing that is already there (idempotent: a
# second run changes nothing and takes seconds). Run as root, or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

PYPDFIUM2_VERSION=5.15.2
APT_PACKAGES=(
  # OCR: libtesseract + Leptonica to link, the CLI and language data to compare and test with
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng
  # bindgen (tesseract-sys) needs libclang; pkg-config finds the libraries
  libclang-dev clang pkg-config
  # tools: python for the scorers and the PDFium download, xz for corpora, fonts for test scans
  python3 python3-pip xz-utils fonts-liberation2
  # the browser end-to-end test of `sohoa serve`
  chromium chromium-driver
  # checks of the searchable PDF and ALTO outputs (pdftotext/pdfinfo/pdffonts, qpdf --check,
  # xmllint); the OCR-layer and table fixtures (scripts/make_layer_pdfs.py,
  # scripts/make_table_pdfs.py: qpdf, pdftoppm)
  poppler-utils qpdf libxml2-utils
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found: install Rust (https://rustup.rs) and run again" >&2
  exit 1
fi

# PDFium: the Linux libpdfium.so shipped inside the PyPI wheel pypdfium2 (pinned), unpacked into
# vendor/pdfium/ (ignored by git). sohoa finds it there; SOHOA_PDFIUM overrides.
lib=vendor/pdfium/libpdfium.so
if [ ! -s "$lib" ]; then
  echo "setup: fetching libpdfium.so from pypdfium2 $PYPDFIUM2_VERSION (PyPI)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux_2_17_x86_64 "pypdfium2==$PYPDFIUM2_VERSION" -d "$tmp"
  mkdir -p vendor/pdfium
  python3 - "$tmp" "$lib" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/pypdfium2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    data = z.read("pypdfium2_raw/libpdfium.so")
    lic = z.read("pypdfium2-5.15.2.dist-info/licenses/BUILD_LICENSES/pdfium.txt")
open(sys.argv[2] + ".part", "wb").write(data)
open("vendor/pdfium/LICENSE.pdfium.txt", "wb").write(lic)
PY
  mv "$lib.part" "$lib"
fi

# Python packages used by the measuring scripts (scorers, scan maker, pyvi comparison).
PY_PACKAGES=(rapidfuzz pillow numpy reportlab "pypdfium2==$PYPDFIUM2_VERSION")
if ! python3 -c "import rapidfuzz, PIL, numpy, reportlab, pypdfium2" 2>/dev/null; then
  echo "setup: installing Python packages for the measuring scripts"
  python3 -m pip install --quiet "${PY_PACKAGES[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "${PY_PACKAGES[@]}"
fi
echo "setup: ok"
