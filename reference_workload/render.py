"""A deterministic renderer of property photographs: interiors and exteriors with a clear "up".

Each picture has a floor (or ground) at the bottom, a ceiling with its lights
(or sky with its sun) at the top and furniture standing on the floor, so the
orientation is learnable from content alone. The room type decides the
furniture; the finish tier (premium, mid, basic) and the condition (good,
worn, poor) decide the materials and the damage, and together they decide the
marketability class. Camera, colour, lighting and noise vary per picture so
none of the three tasks is a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from reference_workload.labels import MARKETABILITY, ROOM_TYPES

IMAGE_SIZE = 64
"""The resolution the cascade works at: pictures are rendered, trained on and served at this size."""
CANVAS = 144
"""Drawn at this size, rolled, then cropped to `VIEW` so a small roll leaves no empty corners."""
VIEW = 128

RECIPES: dict[str, tuple[tuple[str, str], ...]] = {
    # marketability -> the (finish, condition) pairs that earn it
    "upscaleLuxuryViable": (("premium", "good"),),
    "standardViable": (("mid", "good"), ("mid", "worn"), ("premium", "worn"), ("basic", "good")),
    "limitedMarketability": (("basic", "worn"), ("basic", "poor"), ("mid", "poor"), ("premium", "poor")),
}

GOLD = (201, 162, 68)
CHROME = (176, 182, 190)
BLACK_IRON = (38, 36, 40)

Colour = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Scene:
    room_type: str
    finish: str
    condition: str
    marketability: str


@dataclass(slots=True)
class Room:
    """The perspective box of an interior: the back wall spans x0..x1 between the ceiling line and the floor line."""

    x0: float
    x1: float
    ceiling: float
    floor: float


def sample_scene(rng: np.random.Generator) -> Scene:
    room = ROOM_TYPES[rng.integers(len(ROOM_TYPES))]
    market = MARKETABILITY[rng.integers(len(MARKETABILITY))]
    recipes = RECIPES[market]
    finish, condition = recipes[rng.integers(len(recipes))]
    return Scene(room, finish, condition, market)


def render(scene: Scene, rng: np.random.Generator, size: int) -> np.ndarray:
    """The upright picture as a `size`×`size`×3 uint8 array."""
    image = Image.new("RGB", (CANVAS, CANVAS))
    draw = ImageDraw.Draw(image)
    if scene.room_type == "exterior":
        _exterior(image, draw, scene, rng)
    else:
        _interior(image, draw, scene, rng)
    return _camera(image, scene, rng, size)


# -- colours -------------------------------------------------------------------------------------------------------


def _jitter(colour: Colour, rng: np.random.Generator, amount: int = 14) -> Colour:
    return tuple(int(np.clip(c + rng.integers(-amount, amount + 1), 0, 255)) for c in colour)  # type: ignore[return-value]


def _shade(colour: Colour, factor: float) -> Colour:
    return tuple(int(np.clip(c * factor, 0, 255)) for c in colour)  # type: ignore[return-value]


def _fade(colour: Colour, amount: float) -> Colour:
    """Towards a dull grey-beige: how worn paint looks."""
    return tuple(int(c * (1 - amount) + g * amount) for c, g in zip(colour, (150, 145, 128), strict=True))  # type: ignore[return-value]


def _pick(options: list[Colour], rng: np.random.Generator) -> Colour:
    return _jitter(options[rng.integers(len(options))], rng)


WALLS = {
    "premium": [(236, 230, 218), (40, 52, 78), (62, 66, 70), (245, 242, 236), (120, 98, 80)],
    "mid": [(214, 204, 184), (196, 206, 210), (222, 214, 196), (190, 200, 176), (226, 220, 212)],
    "basic": [(204, 196, 140), (170, 180, 150), (176, 160, 130), (200, 190, 170), (188, 176, 150)],
}
FIXTURES = {"premium": [GOLD, BLACK_IRON], "mid": [CHROME], "basic": [(222, 222, 214), (90, 84, 76)]}
FABRICS = [(160, 40, 48), (40, 70, 120), (70, 110, 80), (190, 170, 120), (120, 120, 128), (210, 200, 190)]


# -- interiors -----------------------------------------------------------------------------------------------------


def _interior(image: Image.Image, draw: ImageDraw.ImageDraw, scene: Scene, rng: np.random.Generator) -> None:
    r = CANVAS
    centre = r / 2 + rng.uniform(-0.12, 0.12) * r
    half = rng.uniform(0.22, 0.36) * r
    room = Room(centre - half, centre + half, rng.uniform(0.12, 0.38) * r, rng.uniform(0.56, 0.82) * r)
    wall = _pick(WALLS[scene.finish], rng)
    if scene.condition != "good":
        wall = _fade(wall, rng.uniform(0.25, 0.45))
    ceiling = _pick([(244, 242, 236), (244, 242, 236), (150, 112, 74), (58, 58, 62), _shade(wall, 1.1)], rng)
    draw.polygon([(0, 0), (r, 0), (room.x1, room.ceiling), (room.x0, room.ceiling)], fill=ceiling)
    draw.polygon([(0, 0), (room.x0, room.ceiling), (room.x0, room.floor), (0, r)], fill=_shade(wall, 0.86))
    draw.polygon([(r, 0), (room.x1, room.ceiling), (room.x1, room.floor), (r, r)], fill=_shade(wall, 0.80))
    draw.rectangle([room.x0, room.ceiling, room.x1, room.floor], fill=wall)
    _floor(draw, room, scene.finish, rng)
    if scene.finish == "premium":  # crown moulding
        draw.line([(room.x0, room.ceiling + 2), (room.x1, room.ceiling + 2)], fill=(252, 250, 244), width=3)
    _lights(draw, room, scene, rng)
    if scene.room_type != "bathroom":
        _window(draw, room, scene.finish, rng)
    FURNISH[scene.room_type](draw, room, scene, rng)
    _damage(image, draw, room, scene.condition, rng)


def _floor_point(room: Room, u: float, v: float) -> tuple[float, float]:
    """A point on the floor: u across (0 left, 1 right), v from the back wall (0) to the camera (1)."""
    depth = v**1.5
    y = room.floor + (CANVAS - room.floor) * depth
    left = room.x0 + (-0.15 * CANVAS - room.x0) * depth
    right = room.x1 + (1.15 * CANVAS - room.x1) * depth
    return left + (right - left) * u, y


def _floor(draw: ImageDraw.ImageDraw, room: Room, finish: str, rng: np.random.Generator) -> None:
    r = CANVAS
    polygon = [(room.x0, room.floor), (room.x1, room.floor), (r, r), (0, r)]
    kind = {"premium": ["marble", "walnut"], "mid": ["oak", "tile"], "basic": ["checker", "carpet"]}[finish]
    kind_name = kind[rng.integers(2)]
    if kind_name == "marble":
        draw.polygon(polygon, fill=_jitter((232, 230, 226), rng, 6))
        for _ in range(rng.integers(5, 9)):
            u, v = rng.uniform(0, 1), rng.uniform(0.1, 1)
            points = [_floor_point(room, u + rng.uniform(-0.15, 0.15) * k, min(1.0, v + 0.08 * k)) for k in range(4)]
            draw.line(points, fill=_jitter((150, 150, 156), rng, 10), width=1)
        _grid(draw, room, 4, 4, (205, 203, 200), None)
    elif kind_name in ("walnut", "oak"):
        base = (92, 58, 36) if kind_name == "walnut" else (196, 156, 104)
        planks = int(rng.integers(7, 12))
        for i in range(planks):
            quad = [_floor_point(room, i / planks, 0), _floor_point(room, (i + 1) / planks, 0),
                    _floor_point(room, (i + 1) / planks, 1), _floor_point(room, i / planks, 1)]
            draw.polygon(quad, fill=_jitter(base, rng, 10), outline=_shade(base, 0.7))
    elif kind_name == "tile":
        draw.polygon(polygon, fill=_jitter((214, 206, 190), rng, 8))
        _grid(draw, room, int(rng.integers(5, 8)), int(rng.integers(4, 6)), (170, 164, 150), None)
    elif kind_name == "checker":
        _grid(draw, room, 6, 5, None, (_jitter((176, 160, 120), rng), _jitter((120, 110, 90), rng)))
    else:  # carpet
        draw.polygon(polygon, fill=_jitter((128, 112, 92), rng, 16))


def _grid(draw: ImageDraw.ImageDraw, room: Room, across: int, deep: int, line: Colour | None,
          checker: tuple[Colour, Colour] | None) -> None:
    for i in range(across):
        for j in range(deep):
            u0, u1, v0, v1 = i / across, (i + 1) / across, j / deep, (j + 1) / deep
            quad = [_floor_point(room, u0, v0), _floor_point(room, u1, v0), _floor_point(room, u1, v1),
                    _floor_point(room, u0, v1)]
            fill = checker[(i + j) % 2] if checker else None
            draw.polygon(quad, fill=fill, outline=line)


def _lights(draw: ImageDraw.ImageDraw, room: Room, scene: Scene, rng: np.random.Generator) -> None:
    """Ceiling lights: pendants or a chandelier in premium rooms, recessed spots in mid ones, a bare tube in basic."""
    r = CANVAS
    fixture = _pick(FIXTURES[scene.finish], rng)
    if scene.finish == "premium" or scene.room_type == "dining_room":
        count = 1 if scene.room_type == "dining_room" else int(rng.integers(2, 4))
        for k in range(count):
            x = room.x0 + (room.x1 - room.x0) * (k + 1) / (count + 1)
            drop = room.ceiling + rng.uniform(0.02, 0.10) * r
            draw.line([(x, 0), (x, drop)], fill=fixture, width=1)
            if scene.room_type == "dining_room" and scene.finish == "premium":  # chandelier
                draw.arc([x - 14, drop - 6, x + 14, drop + 8], 0, 180, fill=fixture, width=2)
                for dx in (-14, -7, 0, 7, 14):
                    draw.ellipse([x + dx - 2, drop - 2, x + dx + 2, drop + 2], fill=(255, 246, 200))
            else:
                draw.polygon([(x - 7, drop + 8), (x + 7, drop + 8), (x + 3, drop), (x - 3, drop)], fill=fixture)
                draw.ellipse([x - 3, drop + 7, x + 3, drop + 11], fill=(255, 244, 196))
    elif scene.finish == "mid":
        for _ in range(int(rng.integers(2, 4))):
            x = rng.uniform(0.15, 0.85) * r
            y = rng.uniform(0.25, 0.75) * room.ceiling
            draw.ellipse([x - 5, y - 2, x + 5, y + 2], fill=(255, 252, 230), outline=CHROME)
    else:
        x, y = rng.uniform(0.3, 0.7) * r, rng.uniform(0.4, 0.8) * room.ceiling
        draw.rectangle([x - 16, y - 2, x + 16, y + 2], fill=(250, 250, 244), outline=(200, 200, 196))


def _window(draw: ImageDraw.ImageDraw, room: Room, finish: str, rng: np.random.Generator) -> None:
    width = room.x1 - room.x0
    scale = {"premium": 0.5, "mid": 0.34, "basic": 0.22}[finish] * rng.uniform(0.85, 1.15)
    cx = room.x0 + width * rng.uniform(0.3, 0.7)
    top = room.ceiling + (room.floor - room.ceiling) * rng.uniform(0.08, 0.18)
    w, h = width * scale, (room.floor - room.ceiling) * scale * 1.1
    frame = (250, 250, 250) if finish != "premium" else BLACK_IRON
    sky = _jitter((150, 196, 232), rng, 12)
    draw.rectangle([cx - w / 2, top, cx + w / 2, top + h], fill=sky, outline=frame, width=2)
    draw.line([(cx, top), (cx, top + h)], fill=frame, width=1)
    if finish != "premium":
        draw.line([(cx - w / 2, top + h / 2), (cx + w / 2, top + h / 2)], fill=frame, width=1)


def _kitchen(draw: ImageDraw.ImageDraw, room: Room, scene: Scene, rng: np.random.Generator) -> None:
    r, width = CANVAS, room.x1 - room.x0
    cabinet = _pick({"premium": [(40, 44, 52), (236, 236, 232)], "mid": [(210, 190, 150), (236, 236, 232)],
                     "basic": [(176, 150, 104), (200, 196, 180)]}[scene.finish], rng)
    counter = {"premium": (240, 240, 240), "mid": (120, 120, 124), "basic": (214, 200, 160)}[scene.finish]
    base_top = room.floor - 0.17 * r
    draw.rectangle([room.x0 - 6, base_top, room.x1 + 6, room.floor + 4], fill=cabinet, outline=_shade(cabinet, 0.6))
    for k in range(1, 5):
        x = room.x0 - 6 + (width + 12) * k / 5
        draw.line([(x, base_top + 3), (x, room.floor + 4)], fill=_shade(cabinet, 0.7))
    draw.rectangle([room.x0 - 8, base_top - 4, room.x1 + 8, base_top], fill=_jitter(counter, rng, 6))
    upper = room.ceiling + 0.04 * r
    for left in (room.x0, room.x1 - width * 0.38):
        draw.rectangle([left, upper, left + width * 0.38, upper + 0.14 * r], fill=cabinet, outline=_shade(cabinet, 0.6))
    stove = room.x0 + width * rng.uniform(0.3, 0.5)
    draw.rectangle([stove, base_top + 4, stove + 0.15 * r, room.floor], fill=(30, 30, 32))
    draw.polygon([(stove - 2, upper + 10), (stove + 0.15 * r + 2, upper + 10), (stove + 0.11 * r, upper),
                  (stove + 0.04 * r, upper)], fill=_pick(FIXTURES[scene.finish], rng))
    fridge = (186, 190, 196) if scene.finish != "basic" else (238, 238, 232)
    fx = room.x1 + rng.uniform(2, 10)
    draw.rectangle([fx, room.ceiling + 0.05 * r, fx + 0.16 * r, room.floor + 0.08 * r], fill=fridge,
                   outline=(90, 90, 96))
    draw.line([(fx + 3, room.floor - 0.2 * r), (fx + 3, room.floor - 0.08 * r)], fill=(70, 70, 76), width=2)


def _bathroom(draw: ImageDraw.ImageDraw, room: Room, scene: Scene, rng: np.random.Generator) -> None:
    r, width = CANVAS, room.x1 - room.x0
    tile = {"premium": (226, 226, 222), "mid": (190, 214, 222), "basic": (200, 210, 180)}[scene.finish]
    tile_top = room.ceiling + (room.floor - room.ceiling) * 0.4
    draw.rectangle([room.x0, tile_top, room.x1, room.floor], fill=_jitter(tile, rng, 8))
    step = rng.uniform(5, 8)
    for y in np.arange(tile_top, room.floor, step):
        draw.line([(room.x0, y), (room.x1, y)], fill=_shade(tile, 0.8))
    for x in np.arange(room.x0, room.x1, step):
        draw.line([(x, tile_top), (x, room.floor)], fill=_shade(tile, 0.8))
    fixture = _pick(FIXTURES[scene.finish], rng)
    tub_right = room.x0 + width * 0.55
    draw.rounded_rectangle([room.x0 - 14, room.floor - 0.12 * r, tub_right, room.floor + 0.1 * r], radius=7,
                           fill=(248, 248, 246), outline=(170, 170, 176))
    draw.line([(room.x0 + 6, room.floor - 0.12 * r), (room.x0 + 6, room.floor - 0.2 * r)], fill=fixture, width=2)
    tx = tub_right + width * 0.08
    draw.rectangle([tx, room.floor - 0.17 * r, tx + 0.09 * r, room.floor - 0.08 * r], fill=(246, 246, 244),
                   outline=(160, 160, 166))
    draw.ellipse([tx - 3, room.floor - 0.09 * r, tx + 0.09 * r + 3, room.floor + 0.05 * r], fill=(246, 246, 244),
                 outline=(160, 160, 166))
    vx = room.x1 - width * 0.05
    draw.rectangle([vx - 0.16 * r, room.floor - 0.14 * r, vx + 6, room.floor + 0.04 * r],
                   fill=_pick(WALLS[scene.finish], rng), outline=(80, 80, 80))
    mirror_top = room.ceiling + 0.2 * (room.floor - room.ceiling)
    draw.rectangle([vx - 0.14 * r, mirror_top, vx, max(mirror_top + 6, room.floor - 0.19 * r)], fill=(206, 222, 230),
                   outline=fixture, width=2)


def _bedroom(draw: ImageDraw.ImageDraw, room: Room, scene: Scene, rng: np.random.Generator) -> None:
    r, width = CANVAS, room.x1 - room.x0
    centre = room.x0 + width * rng.uniform(0.4, 0.6)
    half = width * rng.uniform(0.28, 0.36)
    head = _pick([(90, 60, 40), (60, 60, 70), (200, 190, 170), (130, 40, 50)], rng)
    draw.rounded_rectangle([centre - half, room.floor - 0.24 * r, centre + half, room.floor], radius=5, fill=head)
    blanket = _pick(FABRICS, rng)
    draw.polygon([(centre - half, room.floor - 0.08 * r), (centre + half, room.floor - 0.08 * r),
                  (centre + half * 1.6, r * 0.98), (centre - half * 1.6, r * 0.98)], fill=blanket,
                 outline=_shade(blanket, 0.7))
    draw.rectangle([centre - half * 1.6, r * 0.9, centre + half * 1.6, r], fill=_shade(blanket, 0.75))
    for side in (-1, 1):
        px = centre + side * half * 0.45
        draw.rounded_rectangle([px - half * 0.38, room.floor - 0.13 * r, px + half * 0.38, room.floor - 0.05 * r],
                               radius=4, fill=(246, 244, 240))
        nx = centre + side * (half + 0.09 * r)
        draw.rectangle([nx - 0.06 * r, room.floor - 0.1 * r, nx + 0.06 * r, room.floor + 0.03 * r], fill=head)
        shade_colour = _pick(FIXTURES[scene.finish] + [(240, 230, 200)], rng)
        draw.line([(nx, room.floor - 0.1 * r), (nx, room.floor - 0.17 * r)], fill=(60, 60, 60), width=1)
        draw.polygon([(nx - 8, room.floor - 0.16 * r), (nx + 8, room.floor - 0.16 * r), (nx + 5, room.floor - 0.23 * r),
                      (nx - 5, room.floor - 0.23 * r)], fill=shade_colour)


def _living_room(draw: ImageDraw.ImageDraw, room: Room, scene: Scene, rng: np.random.Generator) -> None:
    r, width = CANVAS, room.x1 - room.x0
    fabric = _pick(FABRICS, rng)
    left, right = room.x0 + width * 0.05, room.x1 - width * 0.05
    seat = room.floor + 0.04 * r
    draw.rounded_rectangle([left, seat - 0.2 * r, right, seat - 0.08 * r], radius=4, fill=_shade(fabric, 0.85))
    draw.rectangle([left, seat - 0.1 * r, right, seat], fill=fabric)
    for x in (left - 6, right - 6):
        draw.rounded_rectangle([x, seat - 0.14 * r, x + 12, seat], radius=3, fill=_shade(fabric, 0.75))
    legs = _pick(FIXTURES[scene.finish], rng)
    draw.line([(left + 4, seat), (left + 4, seat + 4)], fill=legs, width=2)
    draw.line([(right - 4, seat), (right - 4, seat + 4)], fill=legs, width=2)
    rug = _pick(FABRICS, rng)
    draw.polygon([_floor_point(room, 0.2, 0.35), _floor_point(room, 0.8, 0.35), _floor_point(room, 0.85, 0.8),
                  _floor_point(room, 0.15, 0.8)], fill=_shade(rug, 0.9))
    tx, ty = _floor_point(room, 0.5, 0.55)
    draw.rectangle([tx - 0.14 * r, ty - 0.06 * r, tx + 0.14 * r, ty - 0.04 * r], fill=_pick([(60, 40, 30), GOLD,
                                                                                            (220, 220, 216)], rng))
    for dx in (-0.12, 0.12):
        draw.line([(tx + dx * r, ty - 0.04 * r), (tx + dx * r, ty + 0.02 * r)], fill=legs, width=2)
    art_top = room.ceiling + (room.floor - room.ceiling) * 0.1
    if rng.random() < 0.5:  # a television
        draw.rectangle([room.x0 + width * 0.3, art_top, room.x1 - width * 0.3, art_top + 0.12 * r], fill=(16, 16, 20),
                       outline=(60, 60, 60))
    else:  # a painting
        draw.rectangle([room.x0 + width * 0.32, art_top, room.x1 - width * 0.32, art_top + 0.1 * r],
                       fill=_pick(FABRICS, rng), outline=_pick(FIXTURES[scene.finish], rng), width=2)


def _dining_room(draw: ImageDraw.ImageDraw, room: Room, scene: Scene, rng: np.random.Generator) -> None:
    r = CANVAS
    wood = _pick([(96, 60, 36), (170, 126, 80), (60, 40, 30), (220, 214, 204)], rng)
    (lx, ly), (rx, _) = _floor_point(room, 0.22, 0.45), _floor_point(room, 0.78, 0.45)
    top = ly - 0.12 * r
    for x in (lx + 0.08 * r, (lx + rx) / 2 - 0.03 * r, (lx + rx) / 2 + 0.05 * r, rx - 0.08 * r):  # chairs behind
        draw.rectangle([x - 7, top - 0.1 * r, x + 7, top + 2], fill=_shade(wood, 0.8))
    draw.polygon([(lx, top), (rx, top), (rx + 10, top + 8), (lx - 10, top + 8)], fill=wood)
    draw.rectangle([lx - 10, top + 8, rx + 10, top + 11], fill=_shade(wood, 0.7))
    for x in (lx - 4, rx + 4):
        draw.line([(x, top + 11), (x, ly + 0.02 * r)], fill=_shade(wood, 0.6), width=3)
    for x in (lx - 16, rx + 16):  # chairs at the ends
        draw.rectangle([x - 6, top - 0.06 * r, x + 6, top + 0.04 * r], fill=_shade(wood, 0.85))
        draw.line([(x - 5, top + 0.04 * r), (x - 5, ly + 0.03 * r)], fill=_shade(wood, 0.6), width=2)
        draw.line([(x + 5, top + 0.04 * r), (x + 5, ly + 0.03 * r)], fill=_shade(wood, 0.6), width=2)
    sx = room.x1 - (room.x1 - room.x0) * 0.3
    draw.rectangle([sx, room.floor - 0.1 * r, room.x1 - 2, room.floor], fill=_shade(wood, 0.9))


FURNISH = {
    "kitchen": _kitchen,
    "bathroom": _bathroom,
    "bedroom": _bedroom,
    "living_room": _living_room,
    "dining_room": _dining_room,
}


def _damage(image: Image.Image, draw: ImageDraw.ImageDraw, room: Room, condition: str,
            rng: np.random.Generator) -> None:
    """Scuffs low down for worn rooms; water stains and cracks high up, and peeling paint, for poor ones."""
    r = CANVAS
    if condition == "good":
        return
    for _ in range(int(rng.integers(8, 14))):  # shoes and furniture scuff the lower walls and the floor
        x, y = rng.uniform(0.05, 0.95) * r, rng.uniform(room.floor - 0.14 * r, r * 0.97)
        w, h = rng.uniform(3, 7), rng.uniform(2, 4)
        draw.ellipse([x - w, y - h, x + w, y + h], fill=_mark(image, x, y, (64, 56, 48), (196, 190, 176), rng))
    if condition == "worn":
        return
    for _ in range(int(rng.integers(2, 5))):
        x, y = rng.uniform(0.1, 0.9) * r, rng.uniform(0.02, 0.55) * r
        rx, ry = rng.uniform(8, 20), rng.uniform(6, 14)
        mask = Image.new("L", image.size)
        ImageDraw.Draw(mask).ellipse([x - rx, y - ry, x + rx, y + ry], fill=int(rng.integers(120, 190)))
        stain = _mark(image, x, y, (120, 92, 48), (214, 204, 170), rng)
        image.paste(stain, mask=mask.filter(ImageFilter.GaussianBlur(2)))
    for _ in range(int(rng.integers(1, 4))):
        x, y = rng.uniform(0.1, 0.9) * r, rng.uniform(0.05, 0.6) * r
        colour = _mark(image, x, y, (44, 40, 36), (210, 206, 196), rng)
        points = [(x, y)]
        for _ in range(int(rng.integers(4, 8))):
            x, y = x + rng.uniform(-6, 6), y + rng.uniform(2, 8)
            points.append((x, y))
        draw.line(points, fill=colour, width=2)
    for _ in range(int(rng.integers(1, 3))):
        x, y = rng.uniform(room.x0, room.x1), rng.uniform(room.ceiling, room.floor)
        blob = [(x + rng.uniform(-9, 9), y + rng.uniform(-7, 7)) for _ in range(6)]
        draw.polygon(blob, fill=_mark(image, x, y, (170, 160, 140), (236, 232, 220), rng))


def _mark(image: Image.Image, x: float, y: float, dark: Colour, light: Colour, rng: np.random.Generator) -> Colour:
    """Damage shows against what it is on: dark on a light surface, pale on a dark one."""
    pixel = image.getpixel((int(np.clip(x, 0, CANVAS - 1)), int(np.clip(y, 0, CANVAS - 1))))
    return _jitter(dark if sum(pixel) > 3 * 110 else light, rng, 12)


# -- exteriors -----------------------------------------------------------------------------------------------------


def _exterior(image: Image.Image, draw: ImageDraw.ImageDraw, scene: Scene, rng: np.random.Generator) -> None:
    r = CANVAS
    horizon = rng.uniform(0.5, 0.66) * r
    top, bottom = np.array(_jitter((70, 130, 210), rng, 16)), np.array(_jitter((190, 220, 240), rng, 10))
    for y in range(int(horizon) + 1):
        t = y / horizon
        draw.line([(0, y), (r, y)], fill=tuple(int(c) for c in top * (1 - t) + bottom * t))
    sun = rng.uniform(0.1, 0.9) * r, rng.uniform(0.06, 0.2) * r
    draw.ellipse([sun[0] - 7, sun[1] - 7, sun[0] + 7, sun[1] + 7], fill=(255, 240, 170))
    for _ in range(int(rng.integers(1, 4))):
        cx, cy = rng.uniform(0, r), rng.uniform(0.05, 0.3) * r
        for dx in (-8, 0, 8):
            draw.ellipse([cx + dx - 9, cy - 5, cx + dx + 9, cy + 5], fill=(246, 248, 250))
    grass = {"good": (76, 140, 60), "worn": (110, 140, 70), "poor": (150, 136, 80)}[scene.condition]
    draw.rectangle([0, horizon, r, r], fill=_jitter(grass, rng, 12))
    width = rng.uniform(0.45, 0.7) * r
    left = r / 2 + rng.uniform(-0.12, 0.12) * r - width / 2
    base = horizon + rng.uniform(0.08, 0.18) * r
    height = rng.uniform(0.26, 0.36) * r
    facade = _pick({"premium": [(236, 234, 228), (120, 110, 100), (60, 64, 70)],
                    "mid": [(214, 200, 170), (190, 200, 210), (200, 180, 160)],
                    "basic": [(190, 190, 170), (176, 170, 150), (160, 150, 130)]}[scene.finish], rng)
    if scene.condition != "good":
        facade = _fade(facade, rng.uniform(0.25, 0.45))
    draw.rectangle([left, base - height, left + width, base], fill=facade, outline=_shade(facade, 0.7))
    roof = _pick([(70, 60, 60), (130, 60, 50), (80, 84, 90)], rng)
    if scene.finish == "premium":  # a flat roof with a deep overhang
        draw.rectangle([left - 6, base - height - 6, left + width + 6, base - height], fill=roof)
    else:
        draw.polygon([(left - 6, base - height), (left + width + 6, base - height),
                      (left + width / 2, base - height - rng.uniform(0.14, 0.22) * r)], fill=roof)
    glass = (130, 180, 220)
    if scene.finish == "premium":  # floor-to-ceiling glass
        draw.rectangle([left + width * 0.1, base - height * 0.85, left + width * 0.6, base - 2], fill=glass,
                       outline=BLACK_IRON, width=2)
        draw.rectangle([left + width * 0.7, base - height * 0.85, left + width * 0.9, base - height * 0.3],
                       fill=glass, outline=BLACK_IRON, width=2)
    else:
        for fx in (0.12, 0.65):
            draw.rectangle([left + width * fx, base - height * 0.8, left + width * (fx + 0.2), base - height * 0.45],
                           fill=glass, outline=(250, 250, 250), width=2)
    door = left + width * rng.uniform(0.38, 0.48)
    draw.rectangle([door, base - height * 0.55, door + width * 0.14, base], fill=_pick(FABRICS, rng))
    draw.polygon([(door, base), (door + width * 0.14, base), (door + width * 0.3, r), (door - width * 0.1, r)],
                 fill=(180, 176, 166))
    for _ in range(int(rng.integers(0, 3))):
        tx = rng.choice([rng.uniform(0, left - 4), rng.uniform(left + width + 4, r)])
        tb = base + rng.uniform(-4, 6)
        draw.rectangle([tx - 2, tb - 0.12 * r, tx + 2, tb], fill=(90, 60, 40))
        draw.ellipse([tx - 12, tb - 0.26 * r, tx + 12, tb - 0.08 * r], fill=_jitter((50, 110, 50), rng, 16))
    if scene.condition == "poor":
        for fx in (0.12, 0.65):
            x, y = left + width * fx, base - height * 0.8
            draw.line([(x, y), (x + width * 0.2, y + height * 0.35)], fill=(30, 30, 30), width=2)
        for _ in range(int(rng.integers(2, 4))):
            x, y = rng.uniform(left, left + width), rng.uniform(base - height, base)
            draw.ellipse([x - 8, y - 5, x + 8, y + 5], fill=_jitter((110, 90, 60), rng, 12))
        for _ in range(int(rng.integers(6, 12))):  # weeds
            x = rng.uniform(0, r)
            draw.line([(x, r), (x + rng.uniform(-3, 3), r - rng.uniform(8, 20))], fill=(120, 110, 50), width=2)
    elif scene.condition == "worn":
        for _ in range(int(rng.integers(4, 8))):
            x, y = rng.uniform(left, left + width), rng.uniform(base - height, base)
            draw.ellipse([x - 4, y - 2, x + 4, y + 2], fill=_shade(facade, 0.6))


# -- camera --------------------------------------------------------------------------------------------------------


def _camera(image: Image.Image, scene: Scene, rng: np.random.Generator, size: int) -> np.ndarray:
    """Roll, zoom, light from one side, exposure, white balance and sensor noise."""
    image = image.rotate(rng.uniform(-4, 4), resample=Image.Resampling.BILINEAR)
    margin = (CANVAS - VIEW) / 2
    view = VIEW * rng.uniform(0.86, 1.0)
    x, y = margin + rng.uniform(0, VIEW - view), margin + rng.uniform(0, VIEW - view)
    image = image.crop((x, y, x + view, y + view)).resize((size, size), Image.Resampling.BOX)
    pixels = np.asarray(image, dtype=np.float32)
    angle, strength = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.35)  # light falling from any side
    ramp = np.linspace(-1, 1, size)
    pixels = pixels * (1 + strength * (np.cos(angle) * ramp[None, :] + np.sin(angle) * ramp[:, None]))[..., None]
    exposure = rng.uniform(0.78, 1.15) * (0.85 if scene.condition == "poor" else 1.0)
    balance = 1 + rng.uniform(-0.08, 0.08, size=3)
    contrast = rng.uniform(0.85, 1.15)
    pixels = (pixels - 128) * contrast + 128
    pixels = pixels * exposure * balance + rng.normal(0, rng.uniform(1.5, 7), size=pixels.shape)
    return np.clip(pixels, 0, 255).astype(np.uint8)
