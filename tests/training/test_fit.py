"""train(): images checked once, batches without copies of the whole set, a short log, no progress bars."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.training import ArrayBatches, train

from ..floats import assert_close_float32


def test_train_prints_a_few_short_lines(capsys):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    history = train(model, x, epochs=10, batch_size=16, validation=x[:16])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5 and lines[-1].startswith("epoch 10/10: loss")
    assert "val_loss" in lines[-1] and "\b" not in "".join(lines) and "\r" not in "".join(lines)
    assert len(history.history["val_loss"]) == 10


def test_train_can_be_silent(capsys):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    train(model, np.ones((8, 2), "float32"), epochs=2, log_every=0)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("epochs,error", [(0, ValueError), (-1, ValueError), (1.5, TypeError),
                                          (True, TypeError), ("3", TypeError)])
def test_bad_epochs(epochs, error):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(error, match="epochs"):
        train(model, np.ones((8, 2), "float32"), epochs=epochs)


def test_training_drops_the_partial_last_batch_but_never_everything():
    x = np.zeros((10, 4), dtype="float32")
    assert len(ArrayBatches(x, batch_size=4, drop_last=True)) == 2
    assert len(ArrayBatches(x, batch_size=4)) == 3
    assert len(ArrayBatches(x, batch_size=16, drop_last=True)) == 1  # fewer than one batch: all
    assert ArrayBatches(x, batch_size=16, drop_last=True)[0][0].shape == (10, 4)


def test_training_traces_the_step_once():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer="adam", loss="mse")
    shapes = []

    class Spy(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            shapes.append(batch)

    x = np.random.default_rng(0).random((70, 4)).astype("float32")
    history = train(model, x, epochs=2, batch_size=32, log_every=0, callbacks=[Spy()])
    assert shapes == [0, 1, 0, 1]  # 70 examples: two full batches an epoch, the last 6 left out
    assert len(history.history["loss"]) == 2


def test_training_builds_the_optimizer_first_and_learns_the_same():
    import keras

    def fitted(prebuild: bool) -> list[np.ndarray]:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(4)])
        model.compile(optimizer="adam", loss="mse")
        x = np.random.default_rng(1).random((64, 4)).astype("float32")
        if prebuild:
            train(model, x, epochs=2, batch_size=16, log_every=0)
        else:  # what train() does, minus building the optimizer up front
            model.fit(ArrayBatches(x, batch_size=16, drop_last=True), epochs=2, verbose=0)
        assert model.optimizer.built and int(model.optimizer.iterations) == 8
        return model.get_weights()

    for ours, plain in zip(fitted(True), fitted(False)):
        # Eight Adam steps: each moves a weight by about lr = 1e-3 of a gradient summed over a
        # batch of 16 through 4 + 8 units, so reordered sums move the weights far less than this.
        assert_close_float32(ours, plain, terms=16 * 12)


def test_training_leaves_an_unbuilt_model_to_keras():
    import keras

    model = keras.Sequential([keras.layers.Dense(3)])  # no Input: no weights until it sees data
    model.compile(optimizer="adam", loss="mse")
    train(model, np.ones((8, 3), "float32"), epochs=1, batch_size=4, log_every=0)
    assert model.built and model.optimizer.built


def test_threaded_batches_train_the_same_weights_as_keras_default_pipeline_on_tensorflow():
    import keras

    x = np.random.default_rng(2).random((96, 6)).astype("float32")
    weights, initial = {}, {}
    for workers in (1, 2):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3), keras.layers.Dense(6)])
        model.compile(optimizer="adam", loss="mse")
        data = ArrayBatches(x, batch_size=16, seed=3, drop_last=True, workers=workers)
        assert data.workers == workers
        initial[workers] = model.get_weights()
        model.fit(data, epochs=3, verbose=0)
        weights[workers] = model.get_weights()
    if keras.backend.backend() == "tensorflow":  # the book's backend: the same models as before
        for one, two in zip(weights[1], weights[2]):
            np.testing.assert_array_equal(one, two)
    else:  # elsewhere Keras orders the batches of its two pipelines differently; both train
        for workers in (1, 2):
            assert not all(np.array_equal(a, b) for a, b in zip(initial[workers], weights[workers]))
            assert all(np.isfinite(w).all() for w in weights[workers])


# --------------------------------------------------------------------------- issue #26


class _LaterBatchBad(keras.utils.PyDataset):
    """Four good batches in [0, 1], except batch ``bad``, which holds ``value``."""

    def __init__(self, bad: int, value: float):
        super().__init__()
        self.bad, self.value = bad, value

    def __len__(self):
        return 4

    def __getitem__(self, index):
        x = np.full((8, 4), 0.5, "float32")
        if index == self.bad:
            x[3, 1] = self.value
        return x, x


def _dense4():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


@pytest.mark.parametrize(("value", "words"), [
    (255.0, "x (batch 2) must lie in [0, 1]; got values from 0.5 to 255 (0-255 pixels"),
    (float("nan"), "x (batch 2) contains NaN or infinite values"),
])
def test_every_batch_of_a_pydataset_is_checked_not_only_the_first(value, words):
    with pytest.raises(Exception) as info:  # was: trained on, to a negative or NaN loss
        train(_dense4(), _LaterBatchBad(2, value), epochs=1, log_every=0)
    assert words in str(info.value)


def test_a_good_pydataset_trains_through_the_check():
    history = train(_dense4(), _LaterBatchBad(-1, 0.0), epochs=2, log_every=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


def _conv_colour():
    from ae_helpers.models import conv_vae
    return conv_vae(2, image_shape=(8, 8, 3), filters=(4, 8), dense=8)


def test_channels_first_colour_images_are_refused_or_converted_on_request():
    rng = np.random.default_rng(0)
    last = rng.random((16, 8, 8, 3)).astype("float32")
    first = np.ascontiguousarray(np.moveaxis(last, -1, 1))  # (16, 3, 8, 8)
    vae = _conv_colour()
    with pytest.raises(ValueError, match=r"channels first.*np\.moveaxis\(x, 1, -1\)"):
        train(vae, first, epochs=1, log_every=0, targets=False)  # was: reshaped, colours scrambled
    train(vae, first, epochs=1, log_every=0, targets=False, channels_first=True, batch_size=8)
    with pytest.raises(TypeError, match="channels_first must be True or False"):
        train(vae, last, epochs=1, channels_first="yes")


def test_a_generator_is_refused_naming_what_train_takes():
    gen = (np.zeros((4, 4), "float32") for _ in range(3))
    with pytest.raises(TypeError, match="x is a generator; .*PyDataset"):
        train(_dense4(), gen, epochs=1)  # was: "got dtype object"


def test_a_conditional_vae_needs_its_labels():
    from ae_helpers.models import dense_cvae
    from ae_helpers.training import LabelledBatches
    cvae = dense_cvae(2, hidden=(8,))
    x = np.random.default_rng(0).random((8, 784)).astype("float32")
    y = np.arange(8) % 10
    with pytest.raises(ValueError, match="ConditionalVAE.*LabelledBatches"):
        train(cvae, x, y, epochs=1)  # was: OperatorNotAllowedInGraphError
    train(cvae, LabelledBatches(x, y, batch_size=4), epochs=1, log_every=0)


@pytest.mark.parametrize("as_source", [False, True])
def test_a_finished_training_keeps_no_reference_to_its_data(as_source):
    """On TensorFlow, fit's generator pipeline outlives the training (TensorFlow keeps its
    functions): the arrays and the batch source handed over must not be reachable from it, or every
    trained model keeps its training images in memory."""
    import gc
    import weakref

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    val = np.random.default_rng(1).random((16, 4)).astype("float32")
    refs = [weakref.ref(x), weakref.ref(val)]
    if as_source:
        source = ArrayBatches(x, batch_size=16)
        refs.append(weakref.ref(source))
        history = train(model, source, epochs=2, validation=(val, val), log_every=0)
        del source
    else:
        history = train(model, x, epochs=2, batch_size=16, validation=(val, val), log_every=0)
    assert len(history.history["loss"]) == 2
    del x, val
    gc.collect()
    assert [r() is None for r in refs] == [True] * len(refs)


def test_a_lent_source_gives_the_same_batches_and_then_lets_go():
    from ae_helpers.training._fit import _LentBatches

    x = np.arange(40, dtype="float32").reshape(10, 4) / 40
    source = ArrayBatches(x, batch_size=4, seed=3)
    lent = _LentBatches(ArrayBatches(x, batch_size=4, seed=3))
    for _ in range(2):  # two epochs: the epoch hooks reach the source
        for i in range(len(source)):
            np.testing.assert_array_equal(lent[i][0], source[i][0])
        source.on_epoch_end()
        lent.on_epoch_end()
    lent.release()
    with pytest.raises(RuntimeError, match="released"):
        lent[0]
