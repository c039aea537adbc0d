"""Kyrgyzstan's regions as a server-rendered SVG choropleth (library map, dashboard)."""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portal.reference_data import all_regions

MAP_FILE = Path(__file__).parent / "data" / "kyrgyzstan-regions.json"
SHADES = 5  # class 0 means "none"; 1–4 grow with the value


@cache
def map_geometry() -> dict:
    """The simplified region outlines and their source, read once per process."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


@dataclass
class MapRegion:
    """One region on the map with its value and shade."""

    code: str
    name: str
    value: int
    shade: int
    path: str | None
    circle: list | None
    label: list


@dataclass
class RegionMap:
    """Everything the map macro draws."""

    view_box: str
    regions: list[MapRegion]
    source: str
    maximum: int
    named_tiles: bool = False  # a schematic tile map shows region names inside the tiles


def region_map(values: dict[str, int]) -> RegionMap:
    """Build the map for `values` per region code (missing regions count as 0)."""
    geometry = map_geometry()
    maximum = max(values.values(), default=0)
    regions = []
    for region in all_regions():
        shape = geometry["regions"].get(region.code)
        if shape is None:
            continue
        value = values.get(region.code, 0)
        regions.append(
            MapRegion(
                code=region.code,
                name=region.name,
                value=value,
                shade=shade_for(value, maximum),
                path=shape.get("path"),
                circle=shape.get("circle"),
                label=shape["label"],
            )
        )
    # Cities are drawn last so their small circles sit on top of the regions around them.
    regions.sort(key=lambda item: item.circle is not None)
    return RegionMap(
        geometry["viewBox"],
        regions,
        geometry.get("source", ""),
        maximum,
        named_tiles=geometry.get("kind") == "tile-map",
    )


def shade_for(value: int, maximum: int) -> int:
    """The colour class of `value`: 0 for nothing, then 1–4 in equal steps up to `maximum`."""
    if value <= 0 or maximum <= 0:
        return 0
    return max(1, math.ceil((SHADES - 1) * value / maximum))
