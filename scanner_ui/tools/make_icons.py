"""Draw the scanner PWA's icons with Pillow (the PNGs are committed; rerun after a change).

    .venv/bin/python scanner_ui/tools/make_icons.py

Barcode bars under a scan line on the app's dark blue. The maskable icon keeps its drawing
inside the central 80 % circle that Android's launcher masks may leave visible.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "icons"
BACKGROUND = (11, 31, 51)
BARS = (255, 255, 255)
SCAN_LINE = (255, 200, 0)
# Narrow and wide bars, in modules: reads as a barcode at launcher size.
PATTERN = (2, 1, 1, 3, 1, 1, 2, 2, 1, 3, 1, 2, 1, 1, 3, 1, 2)


def draw_icon(size: int, *, content_ratio: float) -> Image.Image:
    # Opaque all over: transparent corners show black on some home screens.
    img = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(img)
    box = size * content_ratio
    left = (size - box) / 2
    top = (size - box) / 2
    modules = sum(PATTERN)
    unit = box / modules
    x = left
    bar_top = top + box * 0.12
    bar_bottom = top + box * 0.88
    for i, width in enumerate(PATTERN):
        w = width * unit
        if i % 2 == 0:
            draw.rectangle([round(x), round(bar_top), round(x + w) - 1, round(bar_bottom)], BARS)
        x += w
    line = max(2, round(size * 0.035))
    mid = round(top + box / 2)
    draw.rectangle(
        [round(left - unit), mid - line // 2, round(left + box + unit), mid + line // 2],
        SCAN_LINE,
    )
    return img


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    outputs = {
        "icon-192.png": draw_icon(192, content_ratio=0.7),
        "icon-512.png": draw_icon(512, content_ratio=0.7),
        # Maskable: the whole drawing within the 80 % safe circle (a square of side 0.56).
        "icon-maskable-512.png": draw_icon(512, content_ratio=0.52),
        "apple-touch-icon-180.png": draw_icon(180, content_ratio=0.7),
    }
    for name, img in outputs.items():
        img.save(ICONS / name, format="PNG", optimize=True)
        print(ICONS / name)


if __name__ == "__main__":
    main()
