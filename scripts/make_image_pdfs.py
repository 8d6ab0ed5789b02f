#!/usr/bin/env python3
"""Small PDFs, one per kind of stored page image, for the native-pixel tests.

Each PDF is one page holding one image of a line of Vietnamese text, written object by object
here (no PDF library decides the encoding), so every filter and layout is the one named:

  dct-rgb, dct-cmyk, flate-gray, flate-rgb, flate-1bit, ccitt-g4, jbig2-mmr, jpx,
  smask (grey image with a soft mask), imagemask (1-bit stencil painted black),
  rotate90 (/Rotate 90), cropbox (a crop box smaller than the image), turned (the image's matrix
  turns it a quarter), mixed (image plus visible text: rendered, not native).

Next to each PDF, `<name>.expected.png` is the page as a viewer shows it at the image's own
resolution (grey), built from the same pixels by rotating/cropping in whole pixels.

    python3 scripts/make_image_pdfs.py fixtures/page-images
"""
import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, TiffImagePlugin

DPI = 150
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
TEXT = ["Kế hoạch số 265-KH/TU", "Ban Thường vụ Tỉnh ủy"]


def page_image():
    """A 150-dpi picture of two lines of text, 3.2 × 1.2 inches."""
    w, h = int(3.2 * DPI), int(1.2 * DPI)
    im = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, 30)
    draw.text((20, 25), TEXT[0], fill=(20, 20, 20), font=font)
    draw.text((20, 95), TEXT[1], fill=(150, 20, 20), font=font)  # a red line, like a seal
    return im


class Pdf:
    def __init__(self):
        self.objects = []

    def add(self, body):
        self.objects.append(body)
        return len(self.objects)

    def stream(self, dict_body, data):
        return self.add(b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")

    def write(self, path, root):
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objects, 1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1))
        for off in offsets:
            out.write(b"%010d 00000 n \n" % off)
        out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(self.objects) + 1, root, xref))
        Path(path).write_bytes(out.getvalue())


def one_image_pdf(path, image_dict, data, size_px, *, rotate=0, crop=None, matrix=None,
                  extra_content=b"", extra_resources=b"", smask=None):
    """A page exactly the image's size at DPI (unless told otherwise), drawing the image."""
    pdf = Pdf()
    w_pt, h_pt = size_px[0] * 72 / DPI, size_px[1] * 72 / DPI
    smask_ref = b""
    if smask is not None:
        sm_dict, sm_data = smask
        sm = pdf.stream(sm_dict, sm_data)
        smask_ref = b" /SMask %d 0 R" % sm
    img = pdf.stream(image_dict + smask_ref, data)
    m = matrix or (w_pt, 0, 0, h_pt, 0, 0)
    content = b"q %s cm /Im0 Do Q\n" % b" ".join(b"%.4f" % v for v in m) + extra_content
    contents = pdf.stream(b"", content)
    media = (0, 0, w_pt, h_pt) if matrix is None or matrix[1] == 0 else (0, 0, h_pt, w_pt)
    page_body = b"<< /Type /Page /Parent 4 0 R /MediaBox [%s]" % b" ".join(b"%.4f" % v for v in media)
    if crop:
        page_body += b" /CropBox [%s]" % b" ".join(b"%.4f" % v for v in crop)
    if rotate:
        page_body += b" /Rotate %d" % rotate
    page_body += b" /Resources << /XObject << /Im0 %d 0 R >> %s >> /Contents %d 0 R >>" % (img, extra_resources, contents)
    # objects so far: [smask], image, contents; the page tree must be object 4
    while len(pdf.objects) < 3:
        pdf.add(b"null")
    pages_num = pdf.add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % 5)
    assert pages_num == 4
    pdf.add(page_body)
    cat = pdf.add(b"<< /Type /Catalog /Pages 4 0 R >>")
    pdf.write(path, cat)


def jpeg_bytes(im, **kw):
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, dpi=(DPI, DPI), **kw)
    return buf.getvalue()


def g4_bytes(bilevel):
    """CCITT G4 data of a 1-bit image, white as 0 in the coding (as PDF's BlackIs1 false reads it)."""
    buf = io.BytesIO()
    # Photometric 0 (min-is-white) so libtiff codes white runs as white.
    inverted = bilevel.point(lambda p: 255 - p).convert("1")
    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[278] = bilevel.height  # one strip
    inverted.save(buf, "TIFF", compression="group4", tiffinfo=ifd)
    buf.seek(0)
    tif = Image.open(buf)
    photometric = tif.tag_v2.get(262)
    offsets, counts = tif.tag_v2[273], tif.tag_v2[279]
    assert len(offsets) == 1, "one strip expected"
    data = buf.getvalue()[offsets[0]:offsets[0] + counts[0]]
    return data, photometric


def jbig2_mmr(bilevel):
    """An embedded JBIG2 stream (no file header): a page information segment and one immediate
    generic region coded with MMR, which is CCITT G4 coding with 1 = black."""
    # JBIG2 bitmaps are 1 = black; MMR codes runs starting with 0-runs: code the image with
    # black as 1, i.e. as min-is-white G4.
    data, _ = g4_bytes(bilevel)
    w, h = bilevel.size
    res = int(DPI / 0.0254)

    def segment(number, kind, payload):
        return struct.pack(">IBBBI", number, kind, 0, 1, len(payload)) + payload

    page_info = struct.pack(">IIIIBH", w, h, res, res, 0, 0)
    region = struct.pack(">IIIIB", w, h, 0, 0, 0) + bytes([1]) + data
    return segment(0, 48, page_info) + segment(1, 38, region)


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rgb = page_image()
    gray = rgb.convert("L")
    bilevel = gray.point(lambda p: 255 if p > 160 else 0).convert("L")
    w, h = rgb.size
    size = b"/Width %d /Height %d" % (w, h)

    def save_expected(name, im):
        im.save(out / f"{name}.expected.png", dpi=(DPI, DPI))

    kinds = {}
    kinds["dct-rgb"] = (b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode",
                        jpeg_bytes(rgb), gray)
    cmyk = rgb.convert("CMYK")
    kinds["dct-cmyk"] = (b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceCMYK /BitsPerComponent 8 /Filter /DCTDecode /Decode [1 0 1 0 1 0 1 0]",
                         jpeg_bytes(cmyk), gray)
    kinds["flate-gray"] = (b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                           zlib.compress(gray.tobytes()), gray)
    kinds["flate-rgb"] = (b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
                          zlib.compress(rgb.tobytes()), gray)
    kinds["flate-1bit"] = (b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode",
                           zlib.compress(bilevel.convert("1").tobytes()), bilevel)
    g4, _ = g4_bytes(bilevel)
    kinds["ccitt-g4"] = (b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d >>" % (w, h),
                         g4, bilevel)
    kinds["jbig2-mmr"] = (b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode",
                          jbig2_mmr(bilevel), bilevel)
    jpx = io.BytesIO()
    rgb.save(jpx, "JPEG2000", quality_mode="rates", quality_layers=[20])
    kinds["jpx"] = (b"/Type /XObject /Subtype /Image " + size + b" /Filter /JPXDecode", jpx.getvalue(), gray)
    for name, (d, data, expected) in kinds.items():
        one_image_pdf(out / f"{name}.pdf", d, data, (w, h))
        save_expected(name, expected)

    gray_dict = b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
    gray_data = zlib.compress(gray.tobytes())

    # A soft mask: the image's right half is transparent over white paper.
    alpha = Image.new("L", (w, h), 255)
    alpha.paste(0, (w // 2, 0, w, h))
    one_image_pdf(out / "smask.pdf", gray_dict, gray_data, (w, h),
                  smask=(b"/Type /XObject /Subtype /Image " + size + b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                         zlib.compress(alpha.tobytes())))
    masked = gray.copy()
    masked.paste(255, (w // 2, 0, w, h))
    save_expected("smask", masked)

    # A stencil mask: 1 bits are not painted, 0 bits are painted with the fill colour (black).
    stencil = bilevel.convert("1")
    one_image_pdf(out / "imagemask.pdf",
                  b"/Type /XObject /Subtype /Image " + size + b" /ImageMask true /BitsPerComponent 1 /Filter /FlateDecode",
                  zlib.compress(stencil.tobytes()), (w, h))
    save_expected("imagemask", bilevel)

    one_image_pdf(out / "rotate90.pdf", gray_dict, gray_data, (w, h), rotate=90)
    save_expected("rotate90", gray.transpose(Image.Transpose.ROTATE_270))

    # Crop 0.2 in off every side.
    w_pt, h_pt = w * 72 / DPI, h * 72 / DPI
    m = 0.2 * 72
    one_image_pdf(out / "cropbox.pdf", gray_dict, gray_data, (w, h), crop=(m, m, w_pt - m, h_pt - m))
    px = round(0.2 * DPI)
    save_expected("cropbox", gray.crop((px, px, w - px, h - px)))

    # The image's own matrix turns it a quarter clockwise on a portrait page.
    one_image_pdf(out / "turned.pdf", gray_dict, gray_data, (w, h), matrix=(0, -w_pt, h_pt, 0, 0, w_pt))
    save_expected("turned", gray.transpose(Image.Transpose.ROTATE_270))

    # Visible text on the page beside the image: a mixed page, rendered at the image's resolution.
    font = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
    one_image_pdf(out / "mixed.pdf", gray_dict, gray_data, (w, h),
                  extra_content=b"BT /F1 6 Tf 2 2 Td (page 1) Tj ET\n", extra_resources=font)
    save_expected("mixed", gray)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fixtures/page-images")
