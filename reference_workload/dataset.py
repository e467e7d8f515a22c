"""The synthetic property-image dataset on disk: PNG files, a manifest with a record id per image, one digest.

Every record is drawn from its own generator seeded by (dataset seed, index),
so the same seed gives the same files, and the digest — SHA-256 over the
records as canonical JSON, each naming its file's SHA-256 — names the whole
dataset (labels included) for lineage. Each picture is stored turned by
0/90/180/270 degrees, as photographs arrive; `orientation` says by how much.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from reference_workload.labels import MARKETABILITY, ORIENTATIONS, ROOM_TYPES
from reference_workload.render import render, sample_scene

FORMAT = "reference-workload-images/1"
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Dataset:
    """Images in memory: `images` as stored (turned), `upright` turned back, integer labels per stage."""

    ids: list[str]
    images: np.ndarray
    upright: np.ndarray
    orientation: np.ndarray
    room_type: np.ndarray
    marketability: np.ndarray

    def take(self, index: np.ndarray) -> Dataset:
        return Dataset([self.ids[i] for i in index], self.images[index], self.upright[index],
                       self.orientation[index], self.room_type[index], self.marketability[index])


def generate(out: Path, count: int, seed: int, size: int, test_fraction: float = 0.2) -> dict:
    """Write `count` images and the manifest under `out`; the last `test_fraction` of them are held out."""
    (out / "images").mkdir(parents=True, exist_ok=True)
    held_out = round(count * test_fraction)
    records = []
    for index in range(count):
        rng = np.random.default_rng([seed, index])
        scene = sample_scene(rng)
        turns = int(rng.integers(len(ORIENTATIONS)))
        pixels = np.rot90(render(scene, rng, size), k=turns)
        record_id = f"img-{seed}-{index:06d}"
        data = png(pixels)
        (out / "images" / f"{record_id}.png").write_bytes(data)
        records.append({
            "id": record_id,
            "file": f"images/{record_id}.png",
            "sha256": hashlib.sha256(data).hexdigest(),
            "split": "test" if index >= count - held_out else "train",
            "orientation": ORIENTATIONS[turns],
            "room_type": scene.room_type,
            "marketability": scene.marketability,
            "finish": scene.finish,
            "condition": scene.condition,
        })
    manifest = {"format": FORMAT, "seed": seed, "image_size": size, "digest": digest(records), "records": records}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def digest(records: list[dict]) -> str:
    text = json.dumps(records, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def read_manifest(root: Path) -> dict:
    manifest = json.loads((root / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{root / MANIFEST} is not a {FORMAT} manifest")
    if digest(manifest["records"]) != manifest["digest"]:
        raise ValueError(f"{root / MANIFEST}: the records do not match the digest {manifest['digest']}")
    return manifest


def load(root: Path, manifest: dict, split: str) -> Dataset:
    """One split in memory, every file checked against its SHA-256."""
    records = [r for r in manifest["records"] if r["split"] == split]
    images = np.stack([_read(root, r) for r in records]) if records else np.zeros((0, 1, 1, 3), np.uint8)
    turns = np.array([ORIENTATIONS.index(r["orientation"]) for r in records], dtype=np.int64)
    upright = np.stack([np.rot90(image, k=-k) for image, k in zip(images, turns, strict=True)]) if records else images
    return Dataset(
        ids=[r["id"] for r in records],
        images=images,
        upright=upright,
        orientation=turns,
        room_type=np.array([ROOM_TYPES.index(r["room_type"]) for r in records], dtype=np.int64),
        marketability=np.array([MARKETABILITY.index(r["marketability"]) for r in records], dtype=np.int64),
    )


def _read(root: Path, record: dict) -> np.ndarray:
    data = (root / record["file"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise ValueError(f"{record['file']} does not match its SHA-256 in the manifest")
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG")
    return buffer.getvalue()
