"""Compress against Ghostscript and qpdf, measured in the same run on the same files.

Files: the shared samples (all Sheaf can read) plus generated real-looking documents
(``tests/helpers/compress_inputs.py``): a scan of photos, slides with photos, text in a fully
embedded font, CJK text in a fully embedded CJK font. For each Sheaf level and each
reference it prints: median output/input size, mean SSIM of the first page rendered
at 72 dpi in grey (pypdfium2, a small SSIM in numpy), files whose pdftotext word count
changed, files that lost links or bookmarks, files made bigger, total time; then the
ratios against the goals (default within 1.1x of gs /ebook with SSIM >= 0.97 on every
file, smallest within 1.1x of /screen with SSIM >= 0.90, lossless at most 2x qpdf's
time, the others at most gs's).

Ghostscript (AGPL) is a reference only: ``apt-get install ghostscript``; without it
those rows are skipped with a message. Run:
``uv run --with numpy python benchmarks/compress.py``.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from _common import REPO

sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
import compress_inputs as inputs
from helpers.support import samples_dir

from app.pdf.compress import compress
from app.pdf.core.document import Source
from app.pdf.core.errors import PdfError
from app.pdf.core.job import Job

LEVELS = ("lossless", "print", "balanced", "small")
PASSWORDS = {"005-libreoffice-writer-password": "openpassword"}


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM over 8 x 8 windows (the usual constants), grey 0-255."""
    if abs(a.shape[0] - b.shape[0]) > 2 or abs(a.shape[1] - b.shape[1]) > 2:
        return 0.0  # a different page size: not the same page
    rows, cols = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:rows, :cols], b[:rows, :cols]  # a pixel of rounding in the page size
    a, b = a.astype(np.float64), b.astype(np.float64)
    h, w = (a.shape[0] // 8) * 8, (a.shape[1] // 8) * 8
    if h == 0 or w == 0:
        return float(np.array_equal(a, b))

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[:h, :w].reshape(h // 8, 8, w // 8, 8).swapaxes(1, 2).reshape(-1, 64)

    x, y = blocks(a), blocks(b)
    mx, my = x.mean(1), y.mean(1)
    vx, vy = x.var(1), y.var(1)
    cov = ((x - mx[:, None]) * (y - my[:, None])).mean(1)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    s = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return float(s.mean())


def render(path: Path, password: str | None) -> np.ndarray | None:
    try:
        doc = pdfium.PdfDocument(str(path), password=password)
        return np.asarray(doc[0].render(scale=1).to_pil().convert("L"))
    except Exception:
        return None


def words(path: Path, password: str | None) -> int:
    args = ["pdftotext", *(["-upw", password] if password else []), str(path), "-"]
    return len(subprocess.run(args, capture_output=True, text=True).stdout.split())


def links_and_bookmarks(path: Path, password: str | None) -> tuple[int, int]:
    try:
        with pikepdf.open(path, password=password or "") as pdf:
            links = sum(
                1
                for p in pdf.pages
                for a in p.obj.get("/Annots", [])
                if a.get("/Subtype") == "/Link"
            )
            with pdf.open_outline() as outline:
                stack, marks = list(outline.root), 0
                while stack:
                    item = stack.pop()
                    marks += 1
                    stack.extend(item.children)
            return links, marks
    except Exception:
        return -1, -1


def generated(work: Path) -> list[Path]:
    made = [
        inputs.photo_scan(work / "gen-scan.pdf", pages=6),
        inputs.slides(work / "gen-slides.pdf", count=12),
    ]
    if inputs.find_font(inputs.LATIN):
        made.append(inputs.full_font_text(work / "gen-text-full-font.pdf", pages=8))
    if inputs.find_font(*inputs.CJK):
        made.append(inputs.cjk_text(work / "gen-cjk.pdf", pages=4))
    return made


def tools(work: Path) -> dict:
    def sheaf(level: str):
        def run(src: Path, out: Path, password: str | None) -> None:
            compress(Source(src, password=password), out, Job(), level=level)

        return run

    def gs(setting: str):
        def run(src: Path, out: Path, password: str | None) -> None:
            pw = [f"-sPDFPassword={password}"] if password else []
            subprocess.run(
                ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
                 f"-dPDFSETTINGS=/{setting}", *pw, f"-sOutputFile={out}", str(src)],
                capture_output=True, check=True, timeout=600,
            )  # fmt: skip

        return run

    def qpdf(src: Path, out: Path, password: str | None) -> None:
        pw = [f"--password={password}"] if password else []
        subprocess.run(
            ["qpdf", *pw, "--object-streams=generate", "--recompress-flate", str(src), str(out)],
            capture_output=True, timeout=600,
        )  # fmt: skip
        if not out.exists():
            raise RuntimeError("qpdf failed")

    found = {f"sheaf {lv}": sheaf(lv) for lv in LEVELS}
    if shutil.which("gs"):
        found["gs /ebook"], found["gs /screen"] = gs("ebook"), gs("screen")
    else:
        print("Ghostscript not found (apt-get install ghostscript): its rows are skipped")
    found["qpdf"] = qpdf
    return found


def measure(files: list[Path], work: Path) -> dict:
    rows: dict[str, dict] = {}
    originals = {}
    for src in list(files):
        pw = PASSWORDS.get(src.parent.name)
        image = render(src, pw)
        if image is None:  # 017: no tool finds a page in it
            print(f"  {src.name}: unreadable by pdfium, left out of every row")
            files.remove(src)
            continue
        originals[src] = (image, words(src, pw), links_and_bookmarks(src, pw))
    for name, run in tools(work).items():
        row = {
            "ratios": [],
            "ssim": [],
            "words": 0,
            "lost": 0,
            "bigger": 0,
            "failed": 0,
            "time": 0.0,
            "low": [],
        }
        for n, src in enumerate(files):
            pw = PASSWORDS.get(src.parent.name)
            out = work / f"out-{n}.pdf"
            out.unlink(missing_ok=True)
            start = time.perf_counter()
            try:
                run(src, out, pw)
            except (PdfError, RuntimeError, subprocess.SubprocessError) as exc:
                row["failed"] += 1
                print(f"  {name}: {src.name}: {str(exc)[:100]}")
                continue
            row["time"] += time.perf_counter() - start
            size_in, size_out = src.stat().st_size, out.stat().st_size
            row["ratios"].append(size_out / size_in)
            if src.name.startswith("gen-"):
                row.setdefault("generated", []).append(f"{src.stem[4:]} {size_out / size_in:.3f}")
            row["bigger"] += size_out > size_in
            image, count, marks = originals[src]
            out_pw = None if name.startswith("gs") else pw  # Ghostscript drops the password
            after = render(out, out_pw)
            score = ssim(image, after) if image is not None and after is not None else 0.0
            row["ssim"].append(score)
            if score < 0.97:
                row["low"].append(f"{src.name}:{score:.3f}")
            row["words"] += words(out, out_pw) != count
            row["lost"] += links_and_bookmarks(out, out_pw) != marks
        rows[name] = row
    return rows


def report(rows: dict) -> None:
    head = (
        "tool",
        "median",
        "meanSSIM",
        "minSSIM",
        "words!=",
        "lost",
        "bigger",
        "failed",
        "time s",
    )
    print("\n{:18} {:>7} {:>8} {:>7} {:>7} {:>4} {:>6} {:>6} {:>7}".format(*head))
    for name, r in rows.items():
        print(
            f"{name:18} {statistics.median(r['ratios']):7.3f} {statistics.mean(r['ssim']):8.3f}"
            f" {min(r['ssim']):7.3f} {r['words']:7d} {r['lost']:4d} {r['bigger']:6d}"
            f" {r['failed']:6d} {r['time']:7.2f}"
        )
    for name, r in rows.items():
        print(f"  {name}: generated, output/input: {', '.join(r.get('generated', []))}")
        if r["low"]:
            print(f"    SSIM < 0.97: {', '.join(r['low'])}")
    med = {k: statistics.median(v["ratios"]) for k, v in rows.items()}
    low = {k: min(v["ssim"]) for k, v in rows.items()}
    took = {k: v["time"] for k, v in rows.items()}
    print("\nGoals (Sheaf / reference, same run):")
    if "gs /ebook" in rows:
        ebook, screen = (
            med["sheaf balanced"] / med["gs /ebook"],
            med["sheaf small"] / med["gs /screen"],
        )
        worst = low["sheaf balanced"]
        print(f"  balanced size / gs ebook: {ebook:.2f} (<= 1.1), min SSIM {worst:.3f}")
        print(f"  small size / gs screen: {screen:.2f} (<= 1.1), min SSIM {low['sheaf small']:.3f}")
        for lv in ("print", "balanced", "small"):
            print(
                f"  {lv} time / gs ebook time: {took['sheaf ' + lv] / took['gs /ebook']:.2f} (<= 1)"
            )
    print(f"  lossless time / qpdf time: {took['sheaf lossless'] / took['qpdf']:.2f} (<= 2)")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="sheaf-compress-"))
    try:
        data = json.loads((samples_dir() / "files.json").read_text())["data"]
        files = [samples_dir() / d["path"] for d in data if (samples_dir() / d["path"]).exists()]
        files += generated(work)
        print(f"{len(files)} files: shared samples + generated scan, slides, full font, CJK")
        report(measure(files, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
