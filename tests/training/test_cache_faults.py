"""The model cache under faults: nothing lost, nothing silently wrong (issue #16).

Faults injected here: a cache path under a regular file (NotADirectoryError), a rename that fails
with EROFS and a save that fails with ENOSPC (monkeypatched), models Keras's safe mode refuses
(a Lambda layer, an unregistered custom layer) and object-dtype extras, a truncated model file,
settings that JSON cannot encode, leftover temporary files, and real processes: one killed with
SIGKILL while it writes the model, one killed before it writes the record, and one paused half-way
through its commit while another process asks for the same entry.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest

from ae_helpers.training import (
    UncacheableModelError,
    load_or_train,
    trained_autoencoder,
)
from ae_helpers.training import _cache as cache


def _tiny(calls: list | None = None, layer: keras.layers.Layer | None = None):
    def train():
        if calls is not None:
            calls.append(1)
        layers = [keras.Input((3,)), keras.layers.Dense(2)] + ([layer] if layer is not None else [])
        model = keras.Sequential(layers)
        model.compile(optimizer="adam", loss="mse")
        return model
    return train


def _tmp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name) if folder.exists() else []


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


# --------------------------------------------------------------------------- an unwritable cache


def _fail_replace(monkeypatch, code):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(cache.os, "replace", fail)


def _fail_save(monkeypatch, code):
    def fail(self, path, *args, **kwargs):
        Path(path).write_bytes(b"part of a model")
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(keras.Model, "save", fail)


@pytest.mark.parametrize("fault", ["not a folder", "read-only (EROFS)", "disk full (ENOSPC)"])
def test_an_unwritable_cache_returns_the_trained_model_with_one_warning(fault, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    if fault == "not a folder":
        (tmp_path / "file").write_text("x")
        folder = tmp_path / "file" / "cache"
        reason = "Not a directory"
    elif fault.startswith("read-only"):
        _fail_replace(monkeypatch, errno.EROFS)
        reason = "Read-only file system"
    else:
        _fail_save(monkeypatch, errno.ENOSPC)
        reason = "No space left"
    monkeypatch.setenv("AE_HELPERS_CACHE", str(folder))
    calls: list = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_or_train("tiny", {"units": 2}, _tiny(calls))
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert calls == [1] and isinstance(result.model, keras.Model) and not result.from_cache
    assert len(messages) == 1, messages
    assert str(result.path) in messages[0] and reason in messages[0]
    assert "AE_HELPERS_CACHE" in messages[0] and "writable folder" in messages[0]
    assert _tmp_files(folder) == [] and _entries(folder) == []


def test_trained_autoencoder_survives_a_cache_under_a_file(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("AE_HELPERS_CACHE", str(tmp_path / "file" / "cache"))
    with pytest.warns(RuntimeWarning, match="could not store"):
        result = trained_autoencoder(2, epochs=1, train_size=300, hidden=(8,), quick=True)
    assert result.model.output_shape == (None, 784)


# --------------------------------------------------------------------------- models that would not reload


class Unregistered(keras.layers.Layer):
    def call(self, x):
        return x * 2.0


@pytest.mark.parametrize(("layer", "words"), [
    (keras.layers.Lambda(lambda x: x + 1.0, name="shift"), "'shift' (a Lambda layer"),
    (Unregistered(name="doubler"), "'doubler' (class Unregistered, not registered"),
])
def test_a_model_safe_mode_refuses_is_an_error_at_save_time_not_a_retrain_loop(layer, words,
                                                                             isolated_cache):
    calls: list = []
    with pytest.raises(UncacheableModelError, match="safe mode") as info:
        load_or_train("tiny", {"units": 2}, _tiny(calls, layer))
    assert words in str(info.value)
    assert isinstance(info.value.model, keras.Model)  # the finished work is handed back
    assert calls == [1] and _entries(isolated_cache) == [] and _tmp_files(isolated_cache) == []


def test_object_extras_are_refused_by_key_before_anything_is_stored(isolated_cache):
    def train():
        return _tiny()(), {"labels": np.array([{"a": 1}, None], dtype=object)}
    with pytest.raises(UncacheableModelError, match=r"extras\['labels'\].*dtype object"):
        load_or_train("tiny", {"units": 2}, train)
    assert _entries(isolated_cache) == []


# --------------------------------------------------------------------------- the key


def test_arrays_in_the_settings_are_hashed_by_content():
    a = np.arange(5000, dtype="float64")
    b = a.copy()
    b[2500] += 1  # str() of both prints the same "[0. 1. ... 4999.]"
    assert cache.entry_paths("tiny", {"x": a}) != cache.entry_paths("tiny", {"x": b})
    assert cache.entry_paths("tiny", {"x": a}) == cache.entry_paths("tiny", {"x": a.copy()})
    assert cache.entry_paths("tiny", {"x": a}) != cache.entry_paths("tiny", {"x": a.astype("float32")})
    assert cache.entry_paths("tiny", {"x": a}) != cache.entry_paths("tiny", {"x": a.reshape(50, 100)})


def test_plain_json_settings_keep_their_keys():
    settings = {"epochs": 3, "hidden": [8, 4], "beta": 0.5, "name": "x", "size": None, "on": True,
                "nested": {"a": (1, 2)}}
    import json
    before = json.loads(json.dumps(settings, sort_keys=True, default=str))  # the former encoding
    assert cache.cache_key("tiny", settings)["settings"] == before


@pytest.mark.parametrize(("value", "error", "words"), [
    (object(), TypeError, "settings['model'] is a object"),
    ({1, 2}, TypeError, "settings['model'] is a set"),
    (float("nan"), ValueError, "settings['model'] must be a finite number"),
    (np.array([object()]), TypeError, "settings['model'] is a ndarray"),
])
def test_settings_the_key_cannot_encode_are_refused_naming_the_key(value, error, words):
    with pytest.raises(error) as info:
        cache.cache_key("tiny", {"model": value})
    assert words in str(info.value)


# --------------------------------------------------------------------------- what a load failure says


def test_a_truncated_model_file_is_reported_as_truncated(isolated_cache):
    first = load_or_train("tiny", {"units": 2}, _tiny())
    data = first.path.read_bytes()
    first.path.write_bytes(data[: len(data) // 2])
    with pytest.warns(RuntimeWarning, match="not a complete .keras archive") as caught:
        again = load_or_train("tiny", {"units": 2}, _tiny())
    assert "File not found" not in str(caught[0].message) and not again.from_cache


def test_a_missing_record_is_reported_as_such(isolated_cache):
    first = load_or_train("tiny", {"units": 2}, _tiny())
    first.path.with_suffix(".json").unlink()
    with pytest.warns(RuntimeWarning, match="has no record"):
        load_or_train("tiny", {"units": 2}, _tiny())


# --------------------------------------------------------------------------- files left behind, modes


def test_leftover_temporary_files_are_cleaned(isolated_cache):
    first = load_or_train("tiny", {"units": 2}, _tiny())
    stem = first.path.stem
    mine = [f".{stem}.99999.tmp.keras", f".{stem}.json.abc123.tmp", f".{stem}.keras.99999.ab.tmp.keras"]
    old_other, new_other = ".other-1.keras.1.ab.tmp.keras", ".other-2.json.2.cd.tmp"
    for name in [*mine, old_other, new_other]:
        (isolated_cache / name).write_bytes(b"half")
    two_days = time.time() - 2 * 24 * 3600
    os.utime(isolated_cache / old_other, (two_days, two_days))
    assert load_or_train("tiny", {"units": 2}, _tiny()).from_cache
    assert _tmp_files(isolated_cache) == [new_other]  # a live writer of another entry may own it


def test_the_record_is_as_readable_as_the_model(isolated_cache):
    first = load_or_train("tiny", {"units": 2}, _tiny())
    mode = first.path.stat().st_mode & 0o777
    assert first.path.with_suffix(".json").stat().st_mode & 0o777 == mode


# --------------------------------------------------------------------------- real processes

WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import keras
    from ae_helpers.training import _cache as cache

    mode, folder = sys.argv[1], Path(sys.argv[2])

    def train():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        return model

    def wait_for_go():
        for _ in range(1200):
            if (folder / "go").exists():
                return
            time.sleep(0.1)

    if mode == "kill-in-save":
        real_save = keras.Model.save
        def slow_save(self, path, *args, **kwargs):
            real_save(self, path, *args, **kwargs)
            print("SAVING", flush=True)
            time.sleep(120)
        keras.Model.save = slow_save
    else:  # pause between the model and the record: the window a reader once deleted the model in
        real_write = cache.atomic_write_text
        def paused_write(path, text):
            print("MODEL-WRITTEN", flush=True)
            wait_for_go()
            real_write(path, text)
        cache.atomic_write_text = paused_write
    print("READY", flush=True)
    trained = cache.load_or_train("worker", {"units": 2}, train)
    print("DONE", trained.from_cache, flush=True)
""")


def _worker_train(calls: list):
    def train():
        calls.append(1)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        return model
    return train


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    """Three worker processes started at once (their imports overlap), each with its own cache."""
    script = tmp_path_factory.mktemp("script") / "worker.py"
    script.write_text(WORKER)
    started = {}
    for mode in ("kill-in-save", "kill-before-record", "pause-before-record"):
        folder = tmp_path_factory.mktemp(mode)
        env = {**os.environ, "AE_HELPERS_CACHE": str(folder)}
        proc = subprocess.Popen([sys.executable, str(script), mode, str(folder)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        started[mode] = (proc, folder)
    yield started
    for proc, _ in started.values():
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()


def _until(proc: subprocess.Popen, marker: str) -> list[str]:
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"the worker ended before {marker!r}: {lines}")
        lines.append(line.strip())
        if line.startswith(marker):
            return lines


@pytest.mark.parametrize("mode", ["kill-in-save", "kill-before-record"])
def test_a_writer_killed_mid_write_leaves_an_entry_the_next_process_rebuilds_cleanly(
        mode, workers, monkeypatch):
    proc, folder = workers[mode]
    _until(proc, "SAVING" if mode == "kill-in-save" else "MODEL-WRITTEN")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if mode == "kill-in-save":
        assert _tmp_files(folder), "the kill should have left the temporary model file"
    else:
        assert _entries(folder) == [p for p in _entries(folder) if p.endswith(".keras")] != []
    monkeypatch.setenv("AE_HELPERS_CACHE", str(folder))
    calls: list = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rebuilt = load_or_train("worker", {"units": 2}, _worker_train(calls))
    assert calls == [1] and not rebuilt.from_cache
    if mode == "kill-before-record":  # the model without its record is reported, then replaced
        assert any("has no record" in str(w.message) for w in caught)
    assert _tmp_files(folder) == []
    assert load_or_train("worker", {"units": 2}, _worker_train(calls)).from_cache and calls == [1]


def test_a_reader_waits_for_a_writer_and_never_deletes_its_fresh_entry(workers, monkeypatch):
    proc, folder = workers["pause-before-record"]
    _until(proc, "MODEL-WRITTEN")  # the model is in place, its record not yet: the lock is held
    assert any(p.endswith(".keras") for p in _entries(folder))
    monkeypatch.setenv("AE_HELPERS_CACHE", str(folder))
    go = threading.Timer(1.0, (folder / "go").touch)
    go.start()
    calls: list = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no "ignoring unusable entry"
        loaded = load_or_train("worker", {"units": 2}, _worker_train(calls))
    go.join()
    assert loaded.from_cache and calls == []
    assert _until(proc, "DONE")[-1] == "DONE False"
    assert proc.wait(timeout=30) == 0 and _tmp_files(folder) == []
