"""Real-looking documents for compress, built here (never downloaded).

- a scan of photographs (a 300 dpi JPEG filling each page);
- slides with photos (the same photo and logo on every slide, as separate copies,
  the way slide exporters write them);
- text set in a fully embedded TrueType font (every glyph of DejaVu Sans);
- CJK text in a fully embedded CJK font (Noto Sans CJK, a CFF font; or any
  CJK TrueType font found);
- many pictures, each within the pixel limit, together far past it.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFilter

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
LATIN = "DejaVuSans.ttf"
CJK = ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc", "DroidSansFallbackFull.ttf")
WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "while",
    "sheaf",
    "keeps",
    "every",
    "page",
    "of",
    "the",
    "document",
    "exactly",
    "as",
    "it",
    "was",
    "written",
    "and",
    "only",
    "makes",
    "the",
    "file",
    "smaller",
    "for",
    "mail",
]
HANZI = "文件压缩保留每一页的文字和图片只让文件变小便于发送邮件存储网络分享阅读打印"


def find_font(*names: str) -> Path | None:
    for name in names:
        for root in FONT_DIRS:
            found = next(iter(root.rglob(name)), None) if root.exists() else None
            if found is not None:
                return found
    return None


def photo(width: int, height: int, seed: int = 1) -> Image.Image:
    """A picture with a photograph's statistics: smooth regions, edges, fine noise."""
    rng = random.Random(seed)
    small = Image.new("RGB", (32, 24))
    small.putdata(
        [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(32 * 24)]
    )
    base = small.resize((width, height), Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(width / 80)
    )
    draw = ImageDraw.Draw(base)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 20, width // 6)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(base, noise, 0.08)


def _jpeg(pdf: pikepdf.Pdf, image: Image.Image, quality: int = 92) -> pikepdf.Stream:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    stream = pikepdf.Stream(pdf, buffer.getvalue())
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height = image.size
    stream.ColorSpace = pikepdf.Name.DeviceRGB if image.mode == "RGB" else pikepdf.Name.DeviceGray
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.DCTDecode
    return stream


def _flate_image(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Stream:
    import zlib

    stream = pikepdf.Stream(pdf, zlib.compress(image.tobytes()))
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height = image.size
    stream.ColorSpace = pikepdf.Name.DeviceRGB if image.mode == "RGB" else pikepdf.Name.DeviceGray
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.FlateDecode
    return stream


def _page(pdf: pikepdf.Pdf, size: tuple[float, float], content: bytes, resources: dict) -> None:
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, size[0], size[1]],
        Contents=pikepdf.Stream(pdf, content),
        Resources=pikepdf.Dictionary(resources),
    )
    pdf.pages.append(pikepdf.Page(page))


def photo_scan(path: Path, pages: int = 4, dpi: int = 300) -> Path:
    pdf = pikepdf.new()
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    for n in range(pages):
        image = _jpeg(pdf, photo(width, height, seed=n))
        content = b"q 595.3 0 0 841.9 0 0 cm /Im0 Do Q"
        _page(pdf, (595.3, 841.9), content, {"/XObject": pikepdf.Dictionary(Im0=image)})
    pdf.save(path)
    return path


def slides(path: Path, count: int = 8) -> Path:
    """Slides (10 x 7.5 in) with a title, the same 2000 x 1500 photo and a flat logo."""
    pdf = pikepdf.new()
    picture = photo(2000, 1500, seed=7)
    logo = Image.new("RGB", (400, 400), "white")
    ImageDraw.Draw(logo).rectangle((50, 50, 350, 350), fill=(200, 30, 30))
    helvetica = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for n in range(count):
        resources = {
            "/XObject": pikepdf.Dictionary(Im0=_jpeg(pdf, picture), Logo=_flate_image(pdf, logo)),
            "/Font": pikepdf.Dictionary(F1=helvetica),
        }
        content = (
            f"BT /F1 36 Tf 54 480 Td (Slide {n + 1}: quarterly results) Tj ET "
            "q 400 0 0 300 54 100 cm /Im0 Do Q q 72 0 0 72 600 460 cm /Logo Do Q"
        ).encode()
        _page(pdf, (720, 540), content, resources)
    pdf.save(path)
    return path


def _string(data: bytes) -> bytes:
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def full_font_text(path: Path, pages: int = 3, font_path: Path | None = None) -> Path:
    """Pages of text in a simple TrueType font embedded whole (WinAnsi codes)."""
    from fontTools.ttLib import TTFont

    font_path = font_path or find_font(LATIN)
    if font_path is None:
        raise FileNotFoundError(LATIN)
    data = font_path.read_bytes()
    tt = TTFont(io.BytesIO(data))
    scale = 1000 / tt["head"].unitsPerEm
    cmap = tt.getBestCmap()
    widths = [round(tt["hmtx"][cmap[c]][0] * scale) if c in cmap else 0 for c in range(32, 256)]
    pdf = pikepdf.new()
    file = pikepdf.Stream(pdf, data)
    file.Length1 = len(data)
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/DejaVuSans"),
            Flags=32,
            FontBBox=[-1021, -463, 1793, 1232],
            ItalicAngle=0,
            Ascent=928,
            Descent=-236,
            CapHeight=729,
            StemV=80,
            FontFile2=file,
        )
    )
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.TrueType,
            BaseFont=pikepdf.Name("/DejaVuSans"),
            FirstChar=32,
            LastChar=255,
            Widths=widths,
            Encoding=pikepdf.Name.WinAnsiEncoding,
            FontDescriptor=descriptor,
        )
    )
    rng = random.Random(3)
    for _ in range(pages):
        lines = []
        for row in range(40):
            words = " ".join(rng.choice(WORDS) for _ in range(11))
            lines.append(
                b"BT /F1 11 Tf 56 %d Td " % (780 - row * 18) + _string(words.encode()) + b" Tj ET"
            )
        _page(pdf, (595, 842), b"\n".join(lines), {"/Font": pikepdf.Dictionary(F1=font)})
    pdf.save(path)
    return path


def cjk_text(path: Path, pages: int = 2, font_path: Path | None = None) -> Path:
    """CJK text in a Type 0 font embedded whole: CFF (CIDFontType0, OpenType) or
    TrueType (CIDFontType2), Identity-H, codes = glyph ids, with a ToUnicode map."""
    from fontTools.ttLib import TTFont

    font_path = font_path or find_font(*CJK)
    if font_path is None:
        raise FileNotFoundError("a CJK font")
    tt = TTFont(font_path, fontNumber=0)
    buffer = io.BytesIO()
    tt.save(buffer)  # one font out of a collection
    data = buffer.getvalue()
    cff = "CFF " in tt
    cmap = tt.getBestCmap()
    order = tt.getGlyphOrder()
    scale = 1000 / tt["head"].unitsPerEm
    text = HANZI + "ABCabc123"
    gids = {ch: tt.getGlyphID(cmap[ord(ch)]) for ch in text if ord(ch) in cmap}
    pdf = pikepdf.new()
    file = pikepdf.Stream(pdf, data)
    if cff:
        file.Subtype = pikepdf.Name.OpenType
    else:
        file.Length1 = len(data)
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/CJKFont"),
        Flags=4,
        FontBBox=[-1000, -300, 2000, 1100],
        ItalicAngle=0,
        Ascent=880,
        Descent=-120,
        CapHeight=700,
        StemV=80,
    )
    descriptor["/FontFile3" if cff else "/FontFile2"] = file
    widths = pikepdf.Array()
    for _ch, gid in sorted(gids.items(), key=lambda x: x[1]):
        widths.extend([gid, [round(tt["hmtx"][order[gid]][0] * scale)]])
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType0 if cff else pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/CJKFont"),
        CIDSystemInfo=pikepdf.Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=pdf.make_indirect(descriptor),
        W=widths,
        DW=1000,
    )
    if not cff:
        cid_font.CIDToGIDMap = pikepdf.Name.Identity
    bf = "\n".join(f"<{gid:04X}> <{ord(ch):04X}>" for ch, gid in gids.items())
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(gids)} beginbfchar\n{bf}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/CJKFont"),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[pdf.make_indirect(cid_font)],
            ToUnicode=pikepdf.Stream(pdf, to_unicode),
        )
    )
    rng = random.Random(5)
    chars = list(gids)
    for _ in range(pages):
        lines = []
        for row in range(30):
            run = "".join(rng.choice(chars) for _ in range(20))
            hex_codes = "".join(f"{gids[ch]:04X}" for ch in run)
            lines.append(f"BT /F1 16 Tf 50 {780 - row * 24} Td <{hex_codes}> Tj ET".encode())
        _page(pdf, (595, 842), b"\n".join(lines), {"/Font": pikepdf.Dictionary(F1=font)})
    pdf.save(path)
    return path


def many_images(path: Path, count: int, side: int) -> Path:
    """``count`` distinct ``side`` x ``side`` photos, one a page, drawn 6 inches wide."""
    pdf = pikepdf.new()
    for n in range(count):
        image = _jpeg(pdf, photo(side, side, seed=100 + n), quality=80)
        _page(
            pdf,
            (612, 792),
            b"q 432 0 0 432 90 180 cm /Im0 Do Q",
            {"/XObject": pikepdf.Dictionary(Im0=image)},
        )
    pdf.save(path)
    return path
