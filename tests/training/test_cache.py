"""The model cache: trains once, never serves a stale, corrupt or half-written model."""

from __future__ import annotations

import json
import warnings

import keras
import numpy as np
import pytest

from ae_helpers.training import _cache as cache
from ae_helpers.training import fingerprint, load_or_train

from ..floats import assert_close_float32

entry_paths = cache.entry_paths


def _tiny_trainer(calls: list, units: int = 2):
    def train():
        calls.append(1)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(units)])
        model.compile(optimizer="adam", loss="mse")
        x = np.random.default_rng(0).random((16, 3)).astype("float32")
        model.fit(x, x[:, :units], epochs=2, verbose=0)
        return model
    return train


def _files(folder):
    """The files of the cache, but its lock files (one small empty file per entry, kept: removing a
    lock file that another process may hold would let a third take a second lock)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def test_trains_once_then_loads(isolated_cache):
    calls: list = []
    first = load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    second = load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    assert calls == [1]
    assert (first.from_cache, second.from_cache) == (False, True)
    assert len(second.history["loss"]) == 2 and second.history == first.history
    x = np.ones((1, 3), "float32")
    assert_close_float32(first.model.predict(x, verbose=0), second.model.predict(x, verbose=0), terms=3)
    assert not [n for n in _files(isolated_cache) if "tmp" in n]


def test_other_settings_make_another_entry(isolated_cache):
    calls: list = []
    load_or_train("tiny", {"units": 2, "epochs": 2}, _tiny_trainer(calls))
    load_or_train("tiny", {"units": 2, "epochs": 3}, _tiny_trainer(calls))
    assert calls == [1, 1]
    assert entry_paths("tiny", {"a": 1}) != entry_paths("tiny", {"a": 2})


def test_key_covers_library_versions_and_backend():
    key = cache.cache_key("tiny", {"units": 2})
    assert key["keras"] == keras.__version__ and key["backend"] == keras.backend.backend()
    assert "numpy" in key and "ae_helpers" in key


def test_corrupt_model_file_is_rebuilt_with_a_warning(isolated_cache):
    calls: list = []
    trained = load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    trained.path.write_bytes(b"not a keras file")
    with pytest.warns(RuntimeWarning, match="ignoring unusable entry"):
        again = load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    assert calls == [1, 1] and not again.from_cache
    assert load_or_train("tiny", {"units": 2}, _tiny_trainer(calls)).from_cache


def test_entry_without_sidecar_is_not_trusted(isolated_cache):
    calls: list = []
    load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    _, meta = entry_paths("tiny", {"units": 2})
    meta.unlink()
    with pytest.warns(RuntimeWarning):
        assert not load_or_train("tiny", {"units": 2}, _tiny_trainer(calls)).from_cache


def test_sidecar_with_another_key_is_not_trusted(isolated_cache):
    calls: list = []
    load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    _, meta = entry_paths("tiny", {"units": 2})
    data = json.loads(meta.read_text())
    data["key"]["settings"]["units"] = 99
    meta.write_text(json.dumps(data))
    with pytest.warns(RuntimeWarning, match="does not match"):
        assert not load_or_train("tiny", {"units": 2}, _tiny_trainer(calls)).from_cache


def test_a_failing_training_leaves_nothing_behind(isolated_cache):
    def broken():
        raise RuntimeError("interrupted")
    with pytest.raises(RuntimeError):
        load_or_train("tiny", {"units": 2}, broken)
    assert _files(isolated_cache) == []


def test_an_interrupted_save_leaves_no_partial_file(isolated_cache, monkeypatch):
    calls: list = []
    model = _tiny_trainer(calls)()

    def crash(self, path, *args, **kwargs):
        open(path, "wb").write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.Model, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        load_or_train("tiny", {"units": 2}, lambda: model)
    assert _files(isolated_cache) == []


def test_cache_dir_follows_the_variable(isolated_cache):
    assert cache.cache_dir() == isolated_cache


@pytest.mark.parametrize("name", ["", "a/b", "../x", "two words"])
def test_bad_names_are_refused(name):
    with pytest.raises(ValueError, match="cache name"):
        cache.cache_key(name, {})


def test_fingerprint_sees_values_shapes_and_dtypes():
    a = np.arange(6, dtype="float32")
    assert fingerprint(a) == fingerprint(a.copy())
    assert fingerprint(a) != fingerprint(a.reshape(2, 3))
    assert fingerprint(a) != fingerprint(a.astype("float64"))
    b = a.copy()
    b[3] += 1
    assert fingerprint(a) != fingerprint(b)


def test_atomic_write_text_replaces_whole_files(tmp_path):
    target = tmp_path / "x.json"
    cache.atomic_write_text(target, "one")
    cache.atomic_write_text(target, "two")
    assert target.read_text() == "two" and _files(tmp_path) == ["x.json"]


def test_loading_uses_safe_mode(isolated_cache, monkeypatch):
    calls: list = []
    load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    seen = {}
    real = keras.saving.load_model

    def spy(path, *args, **kwargs):
        seen.update(kwargs)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(keras.saving, "load_model", spy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_or_train("tiny", {"units": 2}, _tiny_trainer(calls))
    assert seen.get("safe_mode") is True


def test_extras_are_kept_beside_the_model(isolated_cache):
    calls: list = []
    snapshots = np.arange(12, dtype="float32").reshape(3, 2, 2)

    def train():
        return _tiny_trainer(calls)(), {"snapshots": snapshots}

    first = load_or_train("tiny", {"units": 2}, train)
    again = load_or_train("tiny", {"units": 2}, train)
    assert calls == [1] and again.from_cache
    np.testing.assert_array_equal(first.extras["snapshots"], snapshots)
    np.testing.assert_array_equal(again.extras["snapshots"], snapshots)


def test_missing_extras_make_the_entry_untrusted(isolated_cache):
    calls: list = []

    def train():
        return _tiny_trainer(calls)(), {"snapshots": np.zeros(3)}

    first = load_or_train("tiny", {"units": 2}, train)
    first.path.with_suffix(".extras.npz").unlink()
    with pytest.warns(RuntimeWarning, match="ignoring unusable entry"):
        again = load_or_train("tiny", {"units": 2}, train)
    assert calls == [1, 1] and not again.from_cache and "snapshots" in again.extras
