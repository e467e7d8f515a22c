"""The training loop, written out because Keras 3's `fit` fails under MultiWorkerMirroredStrategy.

(keras-team/keras#20585: `fit` reduces the first distributed batch and the
collective strategy cannot.) Each step runs on every replica through
`strategy.run` and all-reduces its gradients, so one worker or many train the
same model. Batches are shuffled and augmented with seeds derived from
(seed, phase, epoch) and the picture, so a resumed epoch sees the data the lost
one would have, whatever the number of workers.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from reference_workload.checkpoints import Checkpoints

PAD = 4
"""Pixels of reflected border a picture may shift by in augmentation."""


class Loop:
    def __init__(self, strategy: tf.distribute.Strategy, batch_size: int, seed: int, chief: bool) -> None:
        self.strategy = strategy
        self.batch_size = batch_size
        self.seed = seed
        self.chief = chief

    def fit(self, phase: str, model: keras.Model, x: np.ndarray, y: np.ndarray, epochs: int, learning_rate: float,
            flip: bool, checkpoints: Checkpoints) -> None:
        """Train `model` for `epochs` with Adam on a cosine schedule, resuming from the phase's checkpoint."""
        if len(x) < self.batch_size:
            raise ValueError(f"phase {phase} has {len(x)} pictures, fewer than one batch of {self.batch_size}")
        steps = len(x) // self.batch_size * epochs
        with self.strategy.scope():
            optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(learning_rate, steps))
            optimizer.build(model.trainable_variables)
        start = checkpoints.restore(phase, model, optimizer)
        if start:
            self._say(f"phase={phase} resuming from checkpoint epoch={start}/{epochs}")
        step = self._step(model, optimizer)
        for epoch in range(start, epochs):
            began = time.monotonic()
            loss = correct = seen = 0.0
            for images, labels in self._batches(phase, x, y, epoch, flip):
                batch_loss, batch_correct, batch_seen = step(images, labels)
                loss, correct, seen = loss + float(batch_loss), correct + float(batch_correct), seen + float(batch_seen)
            checkpoints.save(phase, epoch + 1, epoch + 1 == epochs, model, optimizer)
            self._say(f"phase={phase} epoch={epoch + 1}/{epochs} {phase}_train_loss={loss / seen:.4f} "
                      f"{phase}_train_accuracy={correct / seen:.4f} seconds={time.monotonic() - began:.1f}")

    def _step(self, model: keras.Model,
              optimizer: keras.optimizers.Optimizer) -> Callable[[tf.Tensor, tf.Tensor], tuple[tf.Tensor, ...]]:
        strategy, batch_size = self.strategy, self.batch_size

        def replica(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
            with tf.GradientTape() as tape:
                probabilities = model(images, training=True)
                losses = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
                loss = tf.nn.compute_average_loss(losses, global_batch_size=batch_size)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
            hits = tf.cast(tf.equal(tf.argmax(probabilities, axis=1), labels), tf.float32)
            return tf.reduce_sum(losses), tf.reduce_sum(hits), tf.cast(tf.size(labels), tf.float32)

        @tf.function
        def step(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, ...]:
            results = strategy.run(replica, args=(images, labels))
            return tuple(strategy.reduce(tf.distribute.ReduceOp.SUM, r, axis=None) for r in results)

        return step

    def _batches(self, phase: str, x: np.ndarray, y: np.ndarray, epoch: int,
                 flip: bool) -> tf.distribute.DistributedDataset:
        """Whole global batches only: every worker must take the same number of steps or the all-reduce hangs."""
        rng = np.random.default_rng([self.seed, zlib.crc32(phase.encode()), epoch])
        order = rng.permutation(len(x))[: (len(x) // self.batch_size) * self.batch_size]
        seed = int(rng.integers(2**31))
        size = x.shape[1:]

        def augment(image: tf.Tensor, label: tf.Tensor, index: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
            key = tf.stack([tf.constant(seed, tf.int64), index])
            padded = tf.pad(image, [[PAD, PAD], [PAD, PAD], [0, 0]], mode="REFLECT")
            image = tf.image.stateless_random_crop(padded, size, seed=key)
            if flip:  # a mirrored room keeps its type and finish; a mirrored turned picture swaps 90 and 270
                image = tf.image.stateless_random_flip_left_right(image, seed=key + 1)
            return image, label

        def worker(context: tf.distribute.InputContext) -> tf.data.Dataset:
            # this worker's share of every global batch, in the same order on every worker
            mine = order.reshape(-1, context.num_input_pipelines, self.batch_size // context.num_input_pipelines)
            mine = mine[:, context.input_pipeline_id].reshape(-1)
            options = tf.data.Options()
            options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
            return (tf.data.Dataset.from_tensor_slices((x[mine], y[mine], mine.astype(np.int64)))
                    .map(augment, num_parallel_calls=tf.data.AUTOTUNE)
                    .batch(context.get_per_replica_batch_size(self.batch_size))
                    .prefetch(2)
                    .with_options(options))

        return self.strategy.distribute_datasets_from_function(worker)

    def _say(self, line: str) -> None:
        if self.chief:
            print(line, flush=True)
