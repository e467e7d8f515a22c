"""The three networks: one small convolutional backbone, a softmax head per stage.

The backbone is a layer of its own (named "backbone") so that stage 1's
weights move into stages 2 and 3 whole. Its stem (the first, strided
convolution) stays frozen when transferred: it holds the generic edge and
colour filters learnt from every picture, and a few hundred labels would only
overfit it. Batch-norm momentum is 0.9 rather than Keras's 0.99 because the
fine-tuning stages take few steps and the moving statistics must catch up.
"""

from __future__ import annotations

from pathlib import Path

import keras
from keras import layers

from reference_workload.render import IMAGE_SIZE

STEM = ("stem_conv", "stem_norm")


def backbone(size: int = IMAGE_SIZE) -> keras.Model:
    """uint8 pixels -> a 128-dimensional feature vector."""
    inputs = keras.Input((size, size, 3), name="pixels")
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(24, 5, strides=2, padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(momentum=0.9, name="stem_norm")(x)
    x = layers.ReLU()(x)
    for i, filters in enumerate((32, 64, 128)):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{i}")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"norm{i}")(x)
        x = layers.ReLU()(x)
        if filters != 128:
            x = layers.MaxPooling2D()(x)
    features = layers.GlobalAveragePooling2D(name="features")(x)
    return keras.Model(inputs, features, name="backbone")


def stage(name: str, classes: int, base: keras.Model, dropout: float = 0.3) -> keras.Model:
    inputs = keras.Input(base.input_shape[1:], name="pixels")
    x = base(inputs)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def transferred(source: keras.Model | None, size: int = IMAGE_SIZE) -> keras.Model:
    """A new backbone: a copy of `source` with its stem frozen, or random weights when `source` is None."""
    base = backbone(size)
    if source is not None:
        base.set_weights(source.get_weights())
        for name in STEM:
            base.get_layer(name).trainable = False
    return base


def load_base_weights(base: keras.Model, path: Path) -> None:
    """Start a backbone from a local file: a backbone's `.weights.h5`, or a `.keras` backbone or stage model."""
    if path.suffix == ".keras":
        model = keras.models.load_model(path, compile=False)
        source = model.get_layer("backbone") if "backbone" in [layer.name for layer in model.layers] else model
        base.set_weights(source.get_weights())
    else:
        base.load_weights(path)
