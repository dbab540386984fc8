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


# =========================================================================== issue #26
# Faults of the environment leave the entry in place; a bad entry (malformed record, replaced
# file) is rebuilt; a diverged model is never cached; a waiting process says for whom and stops.

FAULT_WORKER = textwrap.dedent("""
    import os, sys
    mode, folder = sys.argv[1], sys.argv[2]
    import resource, time
    import keras
    from ae_helpers.training import _cache as cache
    if mode == "eacces" and os.getuid() == 0:  # a real permission failure needs another user
        os.setgid(65534)  # (after the imports: Python itself may live where that user cannot read)
        os.setuid(65534)

    def train():
        if mode == "hold":
            print("TRAINING", flush=True)
            for _ in range(600):
                if os.path.exists(os.path.join(folder, "go")):
                    break
                time.sleep(0.1)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        return model

    fillers = []
    if mode == "emfile":  # use up every file descriptor this process may open, then free one
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), hard))
        try:
            while True:
                fillers.append(os.open(os.devnull, os.O_RDONLY))
        except OSError as err:
            assert err.errno == 24, err
        os.close(fillers.pop())  # one left: enough for the entry's lock, not for reading it
    try:
        trained = cache.load_or_train("worker", {"units": 2}, train)
        outcome = f"DONE {trained.from_cache}"
    except Exception as err:
        outcome = f"RAISED {type(err).__name__}: {err}"
    for fd in fillers:
        os.close(fd)
    print(outcome.replace(chr(10), " "), flush=True)
""")


def _fault_worker(mode: str, folder: Path, script_dir: Path, **env) -> subprocess.Popen:
    script = script_dir / "fault_worker.py"
    script.write_text(FAULT_WORKER)
    script.chmod(0o644)
    environment = {**os.environ, "AE_HELPERS_CACHE": str(folder), **env}
    return subprocess.Popen([sys.executable, str(script), mode, str(folder)], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def test_out_of_file_descriptors_in_a_real_process_raises_and_keeps_the_entry(isolated_cache,
                                                                             tmp_path):
    load_or_train("worker", {"units": 2}, _worker_train([]))
    before = _snapshot(isolated_cache)
    assert sorted(before) == [n for n in sorted(before) if n.startswith("worker-")] and before
    proc = _fault_worker("emfile", isolated_cache, tmp_path)
    out, err = proc.communicate(timeout=300)
    last = out.strip().splitlines()[-1] if out.strip() else err[-2000:]
    assert last.startswith("RAISED CacheEnvironmentError"), last
    assert "Too many open files" in last and "left in place" in last and "ulimit" in last
    assert _snapshot(isolated_cache) == before  # the good entry is neither deleted nor rewritten
    calls: list = []
    assert load_or_train("worker", {"units": 2}, _worker_train(calls)).from_cache and calls == []


def test_permission_denied_in_a_real_process_raises_and_keeps_the_entry(monkeypatch):
    import shutil
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="ae-eacces-", dir="/tmp"))
    try:
        base.chmod(0o755)
        folder, home = base / "cache", base / "home"
        folder.mkdir(mode=0o777)
        home.mkdir(mode=0o777)
        folder.chmod(0o777)
        home.chmod(0o777)
        monkeypatch.setenv("AE_HELPERS_CACHE", str(folder))
        first = load_or_train("worker", {"units": 2}, _worker_train([]))
        for p in folder.iterdir():  # the lock may be taken, the record may not be read
            p.chmod(0o666 if p.name.endswith(".lock") else 0o644)
        first.path.with_suffix(".json").chmod(0o600 if os.getuid() == 0 else 0o000)
        before = _snapshot(folder) if os.getuid() == 0 else None
        proc = _fault_worker("eacces", folder, base, KERAS_HOME=str(home), HOME=str(home))
        out, err = proc.communicate(timeout=300)
        last = out.strip().splitlines()[-1] if out.strip() else err[-2000:]
        assert last.startswith("RAISED CacheEnvironmentError"), last
        assert "Permission denied" in last and "left in place" in last
        assert first.path.exists() and first.path.with_suffix(".json").exists()
        if before is not None:
            assert _snapshot(folder) == before
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("where", ["record", "model"])
def test_an_io_error_while_reading_an_entry_raises_and_keeps_it(where, isolated_cache, monkeypatch):
    import pathlib
    first = load_or_train("tiny", {"units": 2}, _tiny())
    before = _snapshot(isolated_cache)

    def eio(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    if where == "record":  # every way of reading the record fails, as a failing disk would
        for method in ("read_text", "read_bytes"):
            real = getattr(pathlib.Path, method)
            monkeypatch.setattr(pathlib.Path, method,
                                lambda self, *a, _real=real, **k: eio() if self.suffix == ".json"
                                else _real(self, *a, **k))
    else:
        monkeypatch.setattr(keras.saving, "load_model", eio)
    calls: list = []
    with pytest.raises(cache.CacheEnvironmentError, match="Input/output error") as info:
        load_or_train("tiny", {"units": 2}, _tiny(calls))
    monkeypatch.undo()
    assert info.value.errno == errno.EIO and "left in place" in str(info.value)
    assert calls == [] and _snapshot(isolated_cache) == before and first.path.exists()


@pytest.mark.parametrize(("edit", "words"), [
    (lambda r: r.update(seconds=None), "'seconds' is None"),
    (lambda r: r.update(seconds="3"), "'seconds' is '3'"),
    (lambda r: r.update(history=None), "'history'"),
    (lambda r: r.update(history={"loss": ["a"]}), "'history'"),
    (lambda r: r.update(extras="codes"), "'extras'"),
    (lambda r: r.pop("sha256"), "'sha256'"),
])
def test_a_valid_json_but_malformed_record_is_rebuilt_not_a_permanent_error(edit, words,
                                                                          isolated_cache):
    import json
    first = load_or_train("tiny", {"units": 2}, _tiny())
    meta = first.path.with_suffix(".json")
    record = json.loads(meta.read_text())
    edit(record)
    meta.write_text(json.dumps(record))
    calls: list = []
    with pytest.warns(RuntimeWarning, match="ignoring unusable entry") as caught:
        rebuilt = load_or_train("tiny", {"units": 2}, _tiny(calls))
    assert words in str(caught[0].message)
    assert calls == [1] and not rebuilt.from_cache
    assert load_or_train("tiny", {"units": 2}, _tiny(calls)).from_cache and calls == [1]


def test_a_record_that_is_a_json_list_is_rebuilt(isolated_cache):
    first = load_or_train("tiny", {"units": 2}, _tiny())
    first.path.with_suffix(".json").write_text("[1, 2]")
    with pytest.warns(RuntimeWarning, match="record is a JSON list"):
        assert not load_or_train("tiny", {"units": 2}, _tiny()).from_cache


def _diverged(how: str):
    def train():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        if how == "loss":  # a real divergence: the loss and then the weights become NaN
            x = np.full((8, 3), np.nan, "float32")
            model.fit(x, x[:, :2], epochs=1, verbose=0)
        else:
            kernel = model.layers[-1].kernel
            kernel.assign(np.full(kernel.shape, np.inf, "float32"))
        return model
    return train


@pytest.mark.parametrize("how", ["loss", "weights"])
def test_a_model_with_non_finite_loss_or_weights_is_never_cached(how, isolated_cache):
    from ae_helpers.training import NonFiniteModelError
    with pytest.raises(NonFiniteModelError, match="training diverged") as info:
        load_or_train("tiny", {"units": 2}, _diverged(how))
    assert isinstance(info.value, UncacheableModelError)
    assert isinstance(info.value.model, keras.Model)  # handed back to look at
    assert ("loss in the last epoch" if how == "loss" else "weight") in str(info.value)
    if how == "loss":
        assert np.isnan(info.value.history["loss"][-1])
    assert _entries(isolated_cache) == []
    calls: list = []
    assert not load_or_train("tiny", {"units": 2}, _tiny(calls)).from_cache and calls == [1]


@pytest.mark.parametrize(("extras", "words"), [
    ([np.zeros(3)], "extras of type list"),
    (np.zeros(3), "extras of type ndarray"),
    ("codes", "extras of type str"),
])
def test_extras_that_are_not_a_mapping_never_lose_the_model(extras, words, isolated_cache):
    model_made: list = []

    def train():
        model = _tiny()()
        model_made.append(model)
        return model, extras
    with pytest.raises(UncacheableModelError) as info:
        load_or_train("tiny", {"units": 2}, train)
    assert words in str(info.value) and "expected a dict" in str(info.value)
    assert info.value.model is model_made[0]
    assert info.value.extras is extras
    assert _entries(isolated_cache) == []


def test_a_tuple_of_three_never_loses_the_model(isolated_cache):
    model = _tiny()()
    with pytest.raises(UncacheableModelError, match="tuple of 3 items") as info:
        load_or_train("tiny", {"units": 2}, lambda: (model, {}, {}))
    assert info.value.model is model


@pytest.mark.parametrize("which", ["model", "extras"])
def test_a_file_replaced_by_another_valid_one_is_not_served(which, isolated_cache):
    def train(value):
        def fit():
            model = _tiny()()
            model.layers[-1].kernel.assign(np.full((3, 2), value, "float32"))
            return model, {"codes": np.full(4, value, "float32")}
        return fit
    first = load_or_train("tiny", {"units": 2}, train(1.0))
    other = load_or_train("tiny", {"units": 3}, train(2.0))
    suffix = ".keras" if which == "model" else ".extras.npz"
    first.path.with_suffix(suffix).write_bytes(other.path.with_suffix(suffix).read_bytes())
    with pytest.warns(RuntimeWarning, match="no longer match"):
        again = load_or_train("tiny", {"units": 2}, train(1.0))
    assert not again.from_cache
    assert np.all(again.extras["codes"] == 1.0)
    served = load_or_train("tiny", {"units": 2}, train(1.0))
    assert served.from_cache and np.all(served.extras["codes"] == 1.0)
    kernel = keras.ops.convert_to_numpy(served.model.layers[-1].kernel)
    assert np.all(kernel == 1.0)


def test_a_record_names_the_digest_of_its_model(isolated_cache):
    import hashlib
    import json
    first = load_or_train("tiny", {"units": 2}, _tiny())
    record = json.loads(first.path.with_suffix(".json").read_text())
    assert record["sha256"] == hashlib.sha256(first.path.read_bytes()).hexdigest()


@pytest.fixture
def holder(isolated_cache, tmp_path):
    """A real process that holds the lock of entry ("worker", units 2) while it trains."""
    proc = _fault_worker("hold", isolated_cache, tmp_path)
    line = proc.stdout.readline()
    assert line.startswith("TRAINING"), line + proc.stderr.read()[-2000:]
    yield proc
    (isolated_cache / "go").touch()
    proc.communicate(timeout=120)


def test_a_waiting_process_says_for_whom_and_gives_up_naming_the_holder(holder, capfd):
    start = time.monotonic()
    with pytest.raises(cache.CacheLockTimeout) as info:
        load_or_train("worker", {"units": 2}, _worker_train([]), lock_timeout=1.0)
    assert 0.9 <= time.monotonic() - start < 30
    message = str(info.value)
    assert f"process {holder.pid} on " in message and "gave up after 1 s" in message
    assert "AE_HELPERS_LOCK_TIMEOUT" in message
    waiting = capfd.readouterr().err
    assert f"waiting for process {holder.pid}" in waiting and "giving up after 1 s" in waiting


def test_the_wait_is_configurable_by_environment(holder, monkeypatch):
    monkeypatch.setenv("AE_HELPERS_LOCK_TIMEOUT", "0.5")
    with pytest.raises(cache.CacheLockTimeout, match=f"process {holder.pid}"):
        load_or_train("worker", {"units": 2}, _worker_train([]))


def test_a_waiting_process_loads_the_entry_when_the_holder_finishes(holder, isolated_cache):
    threading.Timer(1.0, (isolated_cache / "go").touch).start()
    calls: list = []
    loaded = load_or_train("worker", {"units": 2}, _worker_train(calls), lock_timeout=60)
    assert loaded.from_cache and calls == []


@pytest.mark.parametrize("value", [-1.0, float("nan"), "10"])
def test_a_bad_lock_timeout_is_refused(value, isolated_cache):
    with pytest.raises(ValueError, match="lock_timeout must be a number of seconds >= 0"):
        load_or_train("tiny", {"units": 2}, _tiny(), lock_timeout=value)
