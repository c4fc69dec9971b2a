"""Platform icons from the one source image, ``app/static/img/sheaf-icon.png``.

The same image ships inside Sheaf, for the Linux menu entry (``--install``)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

SOURCE = Path(__file__).resolve().parent.parent / "app" / "static" / "img" / "sheaf-icon.png"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def generate(out_dir: Path) -> dict[str, Path]:
    """Write sheaf.ico (Windows), sheaf.icns (macOS) and sheaf.png (Linux desktop files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with Image.open(SOURCE) as image:
        image = image.convert("RGBA")
        paths = {
            "ico": out_dir / "sheaf.ico",
            "icns": out_dir / "sheaf.icns",
            "png": out_dir / "sheaf.png",
        }
        image.save(paths["ico"], format="ICO", sizes=ICO_SIZES)
        image.save(paths["icns"], format="ICNS")
        image.resize((256, 256), Image.Resampling.LANCZOS).save(paths["png"], optimize=True)
    return paths
