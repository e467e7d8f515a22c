"""The three stages' classes, in the order the models' outputs use them."""

from __future__ import annotations

ORIENTATIONS: tuple[int, ...] = (0, 90, 180, 270)
"""Degrees the picture was turned counter-clockwise from upright; turning it back clockwise fixes it."""

ROOM_TYPES: tuple[str, ...] = ("kitchen", "bathroom", "bedroom", "living_room", "dining_room", "exterior")

MARKETABILITY: tuple[str, ...] = ("upscaleLuxuryViable", "standardViable", "limitedMarketability")

STAGES: dict[str, tuple] = {"orientation": ORIENTATIONS, "room_type": ROOM_TYPES, "marketability": MARKETABILITY}
