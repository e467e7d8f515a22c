"""The synthetic dataset: deterministic, every picture accounted for, each class present."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from reference_workload.dataset import generate, load, read_manifest
from reference_workload.labels import MARKETABILITY, ROOM_TYPES
from reference_workload.render import IMAGE_SIZE


def test_same_seed_same_digest_other_seed_other_digest(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 24, seed=3, size=IMAGE_SIZE)
    again = generate(tmp_path / "b", 24, seed=3, size=IMAGE_SIZE)
    other = generate(tmp_path / "c", 24, seed=4, size=IMAGE_SIZE)
    assert first["digest"] == again["digest"]
    assert first["digest"] != other["digest"]
    assert [(tmp_path / "a" / r["file"]).read_bytes() for r in first["records"]] == \
        [(tmp_path / "b" / r["file"]).read_bytes() for r in again["records"]]


def test_manifest_names_every_picture_and_split(tmp_path: Path) -> None:
    manifest = generate(tmp_path, 40, seed=5, size=IMAGE_SIZE, test_fraction=0.25)
    records = manifest["records"]
    assert len({r["id"] for r in records}) == 40
    assert Counter(r["split"] for r in records) == {"train": 30, "test": 10}
    assert {r["orientation"] for r in records} <= {0, 90, 180, 270}
    train = load(tmp_path, read_manifest(tmp_path), "train")
    assert train.images.shape == (30, IMAGE_SIZE, IMAGE_SIZE, 3) and train.images.dtype == np.uint8
    turned = next(r for r in records if r["split"] == "train" and r["orientation"] == 90)
    index = train.ids.index(turned["id"])
    assert np.array_equal(np.rot90(train.upright[index], k=1), train.images[index])


def test_the_generator_covers_every_class(smoke_data: Path) -> None:
    records = json.loads((smoke_data / "manifest.json").read_text())["records"]
    assert {r["room_type"] for r in records} == set(ROOM_TYPES)
    assert {r["marketability"] for r in records} == set(MARKETABILITY)
    assert {r["orientation"] for r in records} == {0, 90, 180, 270}


def test_tampering_is_detected(tmp_path: Path) -> None:
    manifest = generate(tmp_path, 6, seed=1, size=IMAGE_SIZE)
    picture = tmp_path / manifest["records"][0]["file"]
    picture.write_bytes(picture.read_bytes()[:-1] + b"\0")
    with pytest.raises(ValueError, match="SHA-256"):
        load(tmp_path, read_manifest(tmp_path), "train")
    relabelled = {**manifest, "records": [{**manifest["records"][0], "room_type": "kitchen" if
                                           manifest["records"][0]["room_type"] != "kitchen" else "bathroom"},
                                          *manifest["records"][1:]]}
    (tmp_path / "manifest.json").write_text(json.dumps(relabelled))
    with pytest.raises(ValueError, match="digest"):
        read_manifest(tmp_path)
