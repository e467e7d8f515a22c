"""Training profiles and their hyperparameters, overridable one by one from `SM_HPS` or the command line."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    profile: str
    images: int
    """Pictures generated (a fifth held out) when no data channel is given."""
    orientation_epochs: int
    labels: int
    """The label budget: labelled pictures stages 2 and 3 fine-tune on (stage 1 needs none)."""
    epochs: int
    """Fine-tuning epochs of stages 2 and 3."""
    batch_size: int
    compare: tuple[int, ...] = ()
    """Label budgets at which stages 2 and 3 are also trained from scratch (and with transfer, for a budget other
    than `labels`), the same epochs each: what the transfer buys. Evaluated, not exported."""
    seed: int = 7


PROFILES: dict[str, Settings] = {
    "smoke": Settings("smoke", images=160, orientation_epochs=2, labels=64, epochs=2, batch_size=32),
    "ci": Settings("ci", images=3000, orientation_epochs=5, labels=800, epochs=16, batch_size=32),
    "full": Settings("full", images=8000, orientation_epochs=5, labels=1000, epochs=24, batch_size=32,
                     compare=(200, 1000)),
}


def resolve(profile: str, overrides: dict[str, str]) -> Settings:
    """A profile with some fields replaced; values are strings, as hyperparameters arrive."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
    base = PROFILES[profile]
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    changes: dict[str, object] = {}
    for name, value in overrides.items():
        if name not in fields or name == "profile":
            continue  # other hyperparameters (paths, ports) are read elsewhere
        kind = type(getattr(base, name))
        changes[name] = _budgets(name, value) if kind is tuple else kind(value)
    return dataclasses.replace(base, **changes)


def _budgets(name: str, value: str) -> tuple[int, ...]:
    """`200,1000` (or a JSON list, as SM_HPS may carry it) -> (200, 1000); empty: none."""
    text = str(value).strip().strip("[]")
    try:
        return tuple(int(item) for item in text.replace(" ", "").split(",") if item)
    except ValueError:
        raise ValueError(f"hyperparameter {name}={value!r} is not a list of label budgets") from None
