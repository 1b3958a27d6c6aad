"""The municipalities' boundaries as SVG path data, for the map of the Netherlands.

Read once per process from networking/data/gemeenten-2023.topojson (CBS/Kadaster via PDOK, see
networking/data/README.md), projected onto a plane and rounded to whole units of a viewBox about
1,000 units tall: the map is drawn by the server, no tiles or mapping library from outside.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BOUNDARIES = Path(__file__).resolve().parent / "data" / "gemeenten-2023.topojson"
HEIGHT = 1000
# Longitudes shrink by cos(latitude): at the country's middle this keeps its shape.
MIDDLE_LATITUDE = 52.2


@dataclass(frozen=True)
class Outline:
    code: str  # CBS code, e.g. GM0307
    name: str  # as in the boundary file (CBS name)
    path: str  # SVG path data in the map's viewBox
    centre: tuple[int, int]  # the middle of its largest ring's bounding box, for labels and tests


@dataclass(frozen=True)
class Boundaries:
    width: int
    height: int
    outlines: tuple[Outline, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def by_code(self) -> dict[str, Outline]:
        return {outline.code: outline for outline in self.outlines}


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are quantised and delta-encoded: undo both, giving (longitude, latitude)."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """A ring is a chain of arcs; a negative index ~i is arc i reversed. Consecutive arcs share
    their end point, which is kept once."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    raise ValueError(f"{geometry.get('id')}: unexpected geometry {geometry['type']}")


def _path(rings: list[list[tuple[int, int]]]) -> str:
    """Relative moves keep the text short: most steps are a few units."""
    parts = []
    here = (0, 0)
    for ring in rings:
        start = ring[0]
        parts.append(f"M{start[0] - here[0]} {start[1] - here[1]}" if parts else f"M{start[0]} {start[1]}")
        here = start
        steps = []
        for point in ring[1:]:
            if point != here:
                steps.append(f"{point[0] - here[0]} {point[1] - here[1]}")
                here = point
        parts.append("l" + " ".join(steps) + "z")
        here = start  # z returns to the ring's start
    return "".join(parts)


def read_boundaries(path: Path | str = BOUNDARIES) -> Boundaries:
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    geometries = topology["objects"]["gemeenten"]["geometries"]
    longitudes = [point[0] for arc in arcs for point in arc]
    latitudes = [point[1] for arc in arcs for point in arc]
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    shrink = math.cos(math.radians(MIDDLE_LATITUDE))
    scale = HEIGHT / (north - south)
    width = math.ceil((east - west) * shrink * scale)

    def project(point: tuple[float, float]) -> tuple[int, int]:
        return round((point[0] - west) * shrink * scale), round((north - point[1]) * scale)

    outlines = []
    for geometry in geometries:
        rings = [
            [project(point) for point in _ring(arcs, ring)]
            for polygon in _polygons(geometry)
            for ring in polygon
        ]
        largest = max(rings, key=len)
        xs, ys = [x for x, _y in largest], [y for _x, y in largest]
        outlines.append(
            Outline(
                code=geometry["properties"]["statcode"],
                name=geometry["properties"]["statnaam"],
                path=_path(rings),
                centre=((min(xs) + max(xs)) // 2, (min(ys) + max(ys)) // 2),
            )
        )
    return Boundaries(width=width, height=HEIGHT, outlines=tuple(sorted(outlines, key=lambda o: o.code)))


@lru_cache(maxsize=1)
def boundaries() -> Boundaries:
    """The shipped boundaries, read once per process (about 0.1 s)."""
    return read_boundaries()
