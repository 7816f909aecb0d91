"""Text measured with a real font, to check the charts' own conservative measure against.

Reads the advance widths and the ascender and descender of a TrueType font (its ``head``, ``hhea``,
``hmtx`` and format-4 ``cmap`` tables), without kerning, which only ever narrows text.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# The widest sans-serif the charts may be drawn in (Debian's fallback for Helvetica and Arial).
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class FontMetrics:
    advances: dict[int, float]  # code point -> advance width in em
    missing: float  # the advance of the glyph drawn for a character the font lacks
    ascent: float  # em above the baseline
    descent: float  # em below it

    def width(self, text: str, size: float) -> float:
        return sum(self.advances.get(ord(c), self.missing) for c in text) * size


def read(path: Path = DEJAVU_SANS) -> FontMetrics:
    data = path.read_bytes()
    tables = {}
    for i in range(struct.unpack(">H", data[4:6])[0]):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag.decode("latin-1")] = offset
    units = struct.unpack(">H", data[tables["head"] + 18:tables["head"] + 20])[0]
    hhea = tables["hhea"]
    ascender, descender = struct.unpack(">hh", data[hhea + 4:hhea + 8])
    metrics = struct.unpack(">H", data[hhea + 34:hhea + 36])[0]
    hmtx = tables["hmtx"]
    glyph_advances = [struct.unpack(">H", data[hmtx + 4 * g:hmtx + 4 * g + 2])[0] for g in range(metrics)]

    def advance(glyph: int) -> float:
        return glyph_advances[min(glyph, metrics - 1)] / units

    cmap = tables["cmap"]
    subtable = None
    for i in range(struct.unpack(">H", data[cmap + 2:cmap + 4])[0]):
        platform, _, offset = struct.unpack(">HHI", data[cmap + 4 + 8 * i:cmap + 12 + 8 * i])
        if platform in (0, 3) and struct.unpack(">H", data[cmap + offset:cmap + offset + 2])[0] == 4:
            subtable = cmap + offset
            break
    assert subtable is not None, f"{path} has no format-4 character map"
    twice = struct.unpack(">H", data[subtable + 6:subtable + 8])[0]
    count = twice // 2
    ends = struct.unpack(f">{count}H", data[subtable + 14:subtable + 14 + twice])
    starts = struct.unpack(f">{count}H", data[subtable + 16 + twice:subtable + 16 + 2 * twice])
    deltas = struct.unpack(f">{count}h", data[subtable + 16 + 2 * twice:subtable + 16 + 3 * twice])
    range_at = subtable + 16 + 3 * twice
    ranges = struct.unpack(f">{count}H", data[range_at:range_at + twice])
    advances = {}
    for k in range(count):
        for code in range(starts[k], min(ends[k], 0x2FFF) + 1):
            if ranges[k] == 0:
                glyph = (code + deltas[k]) & 0xFFFF
            else:
                at = range_at + 2 * k + ranges[k] + 2 * (code - starts[k])
                glyph = struct.unpack(">H", data[at:at + 2])[0]
                glyph = (glyph + deltas[k]) & 0xFFFF if glyph else 0
            if glyph:
                advances[code] = advance(glyph)
    return FontMetrics(advances, advance(0), ascender / units, -descender / units)
