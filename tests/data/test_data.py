"""The MNIST loader: where data comes from, what it returns, and every way it can fail."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ae_helpers import data
from ae_helpers.data import (
    MNIST_ENV,
    MnistUnavailableError,
    binarise,
    load_mnist,
    stratified_indices,
)

from ..conftest import write_fake_mnist


def test_explicit_path_comes_before_the_environment_variable(fake_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv(MNIST_ENV, str(tmp_path / "does-not-exist.npz"))
    (x, _), _ = load_mnist(fake_mnist)
    assert x.shape == (200, 784)


def test_environment_variable_comes_before_keras(fake_mnist, monkeypatch):
    monkeypatch.setenv(MNIST_ENV, str(fake_mnist))
    monkeypatch.setattr(data, "_download", lambda: pytest.fail("Keras must not be asked"))
    (x, _), (xt, _) = load_mnist()
    assert (len(x), len(xt)) == (200, 50)


def test_keras_is_the_last_resort(monkeypatch):
    monkeypatch.delenv(MNIST_ENV, raising=False)
    rng = np.random.default_rng(1)
    fake = ((rng.integers(0, 256, (30, 28, 28), dtype=np.uint8), np.arange(30) % 10),
            (rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), np.arange(10) % 10))
    import keras

    calls = []
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: calls.append(1) or fake)
    (x, y), _ = load_mnist()
    assert calls == [1] and x.shape == (30, 784) and y.dtype == np.int64


def test_a_failed_download_names_the_variable_and_what_to_do(monkeypatch):
    monkeypatch.delenv(MNIST_ENV, raising=False)
    import keras

    def offline():
        raise OSError("URL fetch failure: no network")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(MnistUnavailableError) as err:
        load_mnist()
    message = str(err.value)
    assert MNIST_ENV in message and "What to do" in message and "URL fetch failure" in message


def _network_reachable() -> bool:
    try:
        socket.create_connection(("storage.googleapis.com", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.mark.slow
def test_without_variable_and_without_network_the_real_loader_fails_clearly(tmp_path):
    if _network_reachable():
        pytest.skip("this machine reaches the internet, so Keras would download MNIST")
    env = {k: v for k, v in os.environ.items() if k != MNIST_ENV}
    env.update(HOME=str(tmp_path), KERAS_HOME=str(tmp_path / "keras"))
    code = "from ae_helpers import load_mnist\nload_mnist()"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode != 0
    assert "MnistUnavailableError" in run.stderr and MNIST_ENV in run.stderr


@pytest.mark.parametrize(
    ("layout", "shape"),
    [("flat", (784,)), ("image", (28, 28)), ("channels", (28, 28, 1))],
)
def test_layouts_dtype_and_range(fake_mnist, layout, shape):
    (x, y), (xt, yt) = load_mnist(fake_mnist, layout=layout)
    assert x.shape[1:] == shape and xt.shape[1:] == shape
    assert x.dtype == np.float32 and xt.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert y.dtype == np.int64 and set(np.unique(y)) <= set(range(10))


def test_pixels_are_scaled_exactly(fake_mnist):
    raw = np.load(fake_mnist)["x_train"]
    (x, _), _ = load_mnist(fake_mnist, layout="image")
    np.testing.assert_allclose(x, raw.astype(np.float32) / 255, rtol=0, atol=1e-7)


def test_stratified_subsets_keep_class_shares_and_depend_on_the_seed():
    labels = np.repeat(np.arange(10), [50, 150, 100, 100, 100, 100, 100, 100, 100, 100])
    idx = stratified_indices(labels, 100, seed=0)
    counts = np.bincount(labels[idx], minlength=10)
    assert counts.sum() == 100 and len(np.unique(idx)) == 100
    np.testing.assert_array_equal(counts, [5, 15, 10, 10, 10, 10, 10, 10, 10, 10])
    assert np.array_equal(idx, stratified_indices(labels, 100, seed=0))
    assert not np.array_equal(idx, stratified_indices(labels, 100, seed=1))


def test_subset_sizes_that_do_not_divide_evenly_still_add_up():
    labels = np.arange(1000) % 7
    for size in (1, 13, 333, 999, 1000):
        assert len(stratified_indices(labels, size)) == size


def test_real_mnist_subset_is_balanced(mnist_path):
    (x, y), (xt, yt) = load_mnist(mnist_path, train_size=1000, test_size=500)
    assert x.shape == (1000, 784) and xt.shape == (500, 784)
    assert np.abs(np.bincount(y, minlength=10) - 100).max() <= 13  # MNIST's own shares


def test_real_mnist_in_full(mnist_path):
    (x, y), (xt, yt) = load_mnist(mnist_path, layout="image")
    assert x.shape == (60000, 28, 28) and xt.shape == (10000, 28, 28)
    assert np.bincount(y).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert x.dtype == np.float32 and float(x.max()) == 1.0


# ---------------------------------------------------------------- bad input
def test_missing_file(tmp_path):
    with pytest.raises(MnistUnavailableError, match="no file at"):
        load_mnist(tmp_path / "nope.npz")


def test_missing_file_named_by_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(MNIST_ENV, str(tmp_path / "nope.npz"))
    with pytest.raises(MnistUnavailableError, match=MNIST_ENV):
        load_mnist()


def test_corrupt_file(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(MnistUnavailableError, match="not a readable .npz"):
        load_mnist(bad)


def test_truncated_file(fake_mnist, tmp_path):
    cut = tmp_path / "cut.npz"
    cut.write_bytes(fake_mnist.read_bytes()[: fake_mnist.stat().st_size // 2])
    with pytest.raises(MnistUnavailableError):
        load_mnist(cut)


def test_wrong_keys(tmp_path):
    path = write_fake_mnist(tmp_path / "m.npz", y_test=None)
    with pytest.raises(MnistUnavailableError, match="lacks the keys"):
        load_mnist(path)


def test_wrong_image_shape(tmp_path):
    path = write_fake_mnist(tmp_path / "m.npz", x_train=np.zeros((200, 32, 32), np.uint8))
    with pytest.raises(MnistUnavailableError, match=r"expected \(n, 28, 28\)"):
        load_mnist(path)


def test_wrong_pixel_dtype(tmp_path):
    path = write_fake_mnist(tmp_path / "m.npz", x_test=np.zeros((50, 28, 28), np.float32))
    with pytest.raises(MnistUnavailableError, match="expected uint8"):
        load_mnist(path)


def test_labels_out_of_range(tmp_path):
    path = write_fake_mnist(tmp_path / "m.npz", y_train=np.full(200, 11, np.uint8))
    with pytest.raises(MnistUnavailableError, match="expected 0-9"):
        load_mnist(path)


def test_label_count_mismatch(tmp_path):
    path = write_fake_mnist(tmp_path / "m.npz", y_train=np.zeros(10, np.uint8))
    with pytest.raises(MnistUnavailableError, match="labels have shape"):
        load_mnist(path)


def test_bad_layout(fake_mnist):
    with pytest.raises(ValueError, match="layout must be one of"):
        load_mnist(fake_mnist, layout="square")


@pytest.mark.parametrize("size", [0, -1, 201])
def test_bad_subset_size(fake_mnist, size):
    with pytest.raises(ValueError, match="train_size must be an int from 1 to 200"):
        load_mnist(fake_mnist, train_size=size)


def test_subset_size_must_be_an_int(fake_mnist):
    with pytest.raises(TypeError, match="must be an int"):
        load_mnist(fake_mnist, train_size=10.5)


def test_path_accepts_str_and_pathlike(fake_mnist):
    for p in (str(fake_mnist), Path(fake_mnist)):
        assert load_mnist(p)[0][0].shape == (200, 784)


def test_repeated_loads_share_one_read_only_array(mnist_path):
    (a, _), _ = load_mnist(mnist_path)
    (b, _), _ = load_mnist(mnist_path, layout="channels")
    assert np.shares_memory(a, b) and b.shape == (60_000, 28, 28, 1)
    assert not a.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        a[0, 0] = 1.0
    mine = a.copy()
    mine[0, 0] = 1.0  # a copy is the reader's own
    (c, _), _ = load_mnist(mnist_path, train_size=100)
    assert not np.shares_memory(a, c)


def test_a_changed_file_is_read_again(tmp_path):
    rng = np.random.default_rng(0)
    def write(value):
        x = np.full((20, 28, 28), value, np.uint8)
        y = np.arange(20) % 10
        np.savez(tmp_path / "m.npz", x_train=x, y_train=y, x_test=x[:10], y_test=y[:10])
    write(0)
    (first, _), _ = load_mnist(tmp_path / "m.npz")
    import os
    import time
    write(255)
    os.utime(tmp_path / "m.npz", ns=(time.time_ns() + 10**9,) * 2)
    (second, _), _ = load_mnist(tmp_path / "m.npz")
    assert first.max() == 0.0 and second.min() == 1.0


def test_binarise_is_repeatable_and_keeps_the_grey_level_on_average():
    grey = np.full((200, 50), 0.25, "float32")
    a, b = binarise(grey, seed=3), binarise(grey, seed=3)
    assert np.array_equal(a, b) and set(np.unique(a)) <= {0.0, 1.0}
    assert abs(a.mean() - 0.25) < 0.01
    assert not np.array_equal(a, binarise(grey, seed=4))


def test_a_file_rewritten_with_the_same_size_and_mtime_is_read_again(tmp_path):
    """Issue #26: the cache of raw arrays was keyed by size and mtime, which a rewrite can keep."""
    path = write_fake_mnist(tmp_path / "mnist.npz")
    stat = path.stat()
    (first, _), _ = load_mnist(path)
    rng = np.random.default_rng(1)
    write_fake_mnist(path, x_train=rng.integers(0, 256, (200, 28, 28), dtype=np.uint8))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    (second, _), _ = load_mnist(path)
    with np.load(path) as npz:
        expected = npz["x_train"].astype("float32") / 255
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(second.reshape(expected.shape), expected)


def test_the_training_split_alone_is_load_mnists_and_makes_no_test_images(fake_mnist, monkeypatch):
    """Recipes that never look at the test images load the training split alone: the same (shared)
    arrays as load_mnist's, and no float32 test images are made."""
    from ae_helpers.data import load_mnist_training
    from ae_helpers.training import AutoencoderRecipe, VAERecipe

    monkeypatch.setenv(MNIST_ENV, str(fake_mnist))
    x, y = load_mnist_training(layout="channels", train_size=20, seed=1)
    (x2, y2), _ = load_mnist(layout="channels", train_size=20, seed=1)
    assert np.shares_memory(x, x2)
    np.testing.assert_array_equal(y, y2)
    made = []
    prepare = data._prepare
    monkeypatch.setattr(data, "_prepare", lambda source, *a, **k: made.append(source[-1]) or
                        prepare(source, *a, **k))
    for recipe in (AutoencoderRecipe(latent_dim=2, epochs=1, train_size=20),
                   VAERecipe(latent_dim=2, epochs=1, train_size=20)):
        assert sorted(recipe.data()) == ["x_train", "y_train"]
    assert made == []  # the training images stay bytes (ByteImages): no float32 copy at all
    assert sorted(VAERecipe(latent_dim=2, epochs=1, train_size=20, follow=10).data()) == [
        "x_test", "x_train", "y_test", "y_train"]
    assert made == ["test"]


@pytest.mark.parametrize("layout", ["flat", "channels"])
@pytest.mark.parametrize("train_size", [None, 37])
def test_training_images_as_bytes_read_as_load_mnists_floats(fake_mnist, monkeypatch, layout,
                                                             train_size):
    """ByteImages hand out exactly load_mnist's float32 values, whole or a batch at a time."""
    from ae_helpers.data import ByteImages, load_mnist_training

    monkeypatch.setenv(MNIST_ENV, str(fake_mnist))
    floats, labels = load_mnist_training(layout=layout, train_size=train_size, seed=3)
    images, same_labels = load_mnist_training(layout=layout, train_size=train_size, seed=3,
                                              as_bytes=True)
    assert isinstance(images, ByteImages) and images.shape == floats.shape
    np.testing.assert_array_equal(same_labels, labels)
    assert np.array_equal(np.asarray(images), floats)  # exactly, not approximately
    idx = np.array([5, 0, 17, 3])
    assert images[idx].dtype == np.float32 and np.array_equal(images[idx], floats[idx])
    assert np.array_equal(images[4], floats[4]) and np.array_equal(images[2:9], floats[2:9])
    assert np.array_equal(images.reshape((len(images), 784))[idx], floats.reshape(-1, 784)[idx])
    with pytest.raises(ValueError, match="reshape keeps the images"):
        images.reshape((3, 784))
    if train_size is None:  # all of them: a view of the bytes read once, no copy
        assert images._raw.dtype == np.uint8 and not images._raw.flags.owndata


def test_training_on_bytes_learns_the_same_weights_as_on_floats(fake_mnist, monkeypatch):
    """train() on ByteImages is train() on load_mnist's floats: the same batches, the same weights."""
    import keras

    from ae_helpers.data import load_mnist_training
    from ae_helpers.models import dense_autoencoder
    from ae_helpers.training import train

    monkeypatch.setenv(MNIST_ENV, str(fake_mnist))
    weights = []
    for as_bytes in (False, True):
        x, _ = load_mnist_training(train_size=64, as_bytes=as_bytes)
        keras.utils.set_random_seed(0)
        model = dense_autoencoder(2, hidden=(8,))
        train(model, x, epochs=2, batch_size=16, log_every=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_byte_images_refuse_what_is_not_bytes():
    from ae_helpers.data import ByteImages

    with pytest.raises(TypeError, match="uint8"):
        ByteImages(np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="does not hold"):
        ByteImages(np.zeros((3, 4), np.uint8), (5,))
