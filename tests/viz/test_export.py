"""The explorer's export of a decoder: every supported activation against Keras, in NumPy and in the
page's own JavaScript (run by Node.js where it is installed), clear errors for unsupported layers,
and the size that chapter 4's two decoders take in a page."""

from __future__ import annotations

import json
import shutil
import subprocess
import zlib

import keras
import numpy as np
import pytest

from ae_helpers.models import conditional_decoder, dense_decoder, run_model
from ae_helpers.viz import SUPPORTED_LAYERS, export_decoder
from ae_helpers.viz._explorer import runtime_js
from ae_helpers.viz._export import (
    B85_ALPHABET, SUPPORTED_ACTIVATIONS, TOLERANCE, _act, _gptq, b85, dense_chain)

NODE = shutil.which("node")


def every_activation_decoder() -> keras.Model:
    """2 → ... → 784: one Dense layer per supported activation, an Activation layer, a Dropout, a
    final Reshape; sigmoid last, as a decoder's pixels."""
    keras.utils.set_random_seed(1)
    code = keras.Input((2,), name="code")
    h = code
    for act in SUPPORTED_ACTIVATIONS:
        if act == "sigmoid":
            continue
        if act == "exponential":  # keep exp's inputs small
            h = keras.layers.Dense(8, activation=act, kernel_initializer=keras.initializers.RandomNormal(0, 0.1))(h)
        else:
            h = keras.layers.Dense(12, activation=act)(h)
    h = keras.layers.Dense(12)(h)
    h = keras.layers.Activation("tanh")(h)  # an Activation layer after a linear Dense
    h = keras.layers.Dropout(0.1)(h)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(code, keras.layers.Reshape((28, 28))(h), name="every_activation")


def _unb85(text: str) -> bytes:
    value = {c: i for i, c in enumerate(B85_ALPHABET)}
    groups = np.array([value[c] for c in text], dtype=np.int64).reshape(-1, 5)
    numbers = np.zeros(len(groups), dtype=np.int64)
    for k in range(5):
        numbers = numbers * 85 + groups[:, k]
    return numbers.astype(">u4").tobytes()


def test_base85_round_trips_and_needs_no_escaping_in_a_page():
    data = np.random.default_rng(0).integers(0, 256, 1001, dtype=np.uint8).tobytes()
    text = b85(data)
    assert _unb85(text)[:len(data)] == data and len(text) == 5 * 251
    assert len(B85_ALPHABET) == 85 and not set(B85_ALPHABET) & set("\"'\\<>&")


def _keras(decoder, z, labels=None):
    inputs = z if labels is None else [z, np.eye(10, dtype="float32")[labels]]
    # run_model: a NumPy array on every backend (np.asarray on a PyTorch output that requires grad fails)
    return np.asarray(run_model(decoder, inputs)[0]).reshape(len(z), 28, 28)


def _node_forward(spec: dict, z: np.ndarray, labels: list | None) -> np.ndarray:
    script = runtime_js() + (
        f"\nAEExplorer.loadModel({json.dumps(spec)}).then(m => {{"
        f" const z = {json.dumps(z.tolist())}, y = {json.dumps(labels)};"
        " console.log(JSON.stringify(z.map((p, i) => Array.from(AEExplorer.forward(m, p, y ? y[i] : null)))));"
        " }).catch(e => { console.error(e); process.exit(1); });")
    run = subprocess.run([NODE, "-"], input=script, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return np.array(json.loads(run.stdout)).reshape(len(z), 28, 28)


@pytest.fixture(scope="module")
def every_activation():
    decoder = every_activation_decoder()
    return decoder, export_decoder(decoder, low=(-2, -3), high=(2, 1))


def test_every_supported_activation_is_in_the_test_decoder(every_activation):
    assert set(every_activation[1].activations) == set(SUPPORTED_ACTIVATIONS)


def test_numpy_copy_of_the_page_matches_keras(every_activation):
    decoder, exported = every_activation
    z = np.random.default_rng(0).uniform((-2, -3), (2, 1), (500, 2)).astype("float32")
    error = np.abs(exported.forward(z) - _keras(decoder, z)).max()
    assert error <= TOLERANCE and exported.max_error <= TOLERANCE, error * 255


@pytest.mark.skipif(NODE is None, reason="no Node.js here: the browser test runs the page's script")
def test_the_pages_javascript_matches_keras(every_activation):
    decoder, exported = every_activation
    z = np.random.default_rng(1).uniform((-2, -3), (2, 1), (40, 2))
    got = _node_forward(exported.to_json(), z, None)
    assert np.abs(got - exported.forward(z)).max() < 1e-9  # the same arithmetic
    assert np.abs(got - _keras(decoder, z.astype("float32"))).max() <= TOLERANCE


def test_a_conditional_decoder_reads_the_label():
    keras.utils.set_random_seed(2)
    decoder = conditional_decoder(2, hidden=(32, 64))
    exported = export_decoder(decoder, low=(-3, -3), high=(3, 3))
    z = np.random.default_rng(2).uniform(-3, 3, (30, 2)).astype("float32")
    labels = list(np.arange(30) % 10)
    assert np.abs(exported.forward(z, labels) - _keras(decoder, z, labels)).max() <= TOLERANCE
    if NODE:
        assert np.abs(_node_forward(exported.to_json(), z.astype(float), [int(v) for v in labels])
                      - _keras(decoder, z, labels)).max() <= TOLERANCE


def test_compensated_rounding_beats_plain_rounding_at_8_bits():
    """Why the export rounds with error compensation (GPTQ): on a chapter-sized decoder
    (2-256-512-784), rounding each weight on its own to the same 8 bits moves pixels further."""
    keras.utils.set_random_seed(3)
    decoder = dense_decoder(2, hidden=(256, 512))
    chain, _ = dense_chain(decoder)
    z = np.random.default_rng(3).uniform(-3, 3, (3000, 2))
    fit, check = z[:2000], z[2000:]
    plain, ours = check.copy(), check.copy()
    h = fit
    for w, b, act in chain:
        s = np.abs(w).max(axis=0) / 127
        plain = _act(act, plain @ (np.round(w / s) * s) + b)
        q, scale = _gptq(w, h, 127)
        ours = _act(act, (ours @ q) * scale + b)
        h = _act(act, (h @ q) * scale + b)
    exact = _keras(decoder, check.astype("float32")).reshape(len(check), -1)
    assert np.abs(ours - exact).max() < np.abs(plain - exact).max()


def test_each_layer_gets_the_steps_it_needs():
    keras.utils.set_random_seed(3)
    decoder = dense_decoder(2, hidden=(64, 128))
    coarse = export_decoder(decoder, low=(-3, -3), high=(3, 3))
    fine = export_decoder(decoder, low=(-3, -3), high=(3, 3), tolerance=0.1 / 255)
    assert coarse.max_error <= TOLERANCE and fine.max_error <= 0.1 / 255
    assert all(f >= c for f, c in zip(fine.levels, coarse.levels)) and max(fine.levels) > 127
    z = np.random.default_rng(4).uniform(-3, 3, (20, 2))
    assert np.abs(fine.forward(z) - _keras(decoder, z.astype("float32"))).max() <= 0.1 / 255
    if NODE:  # 16-bit layers (two byte planes) read back by the page's script
        assert np.abs(_node_forward(fine.to_json(), z, None) - fine.forward(z)).max() < 1e-9


def test_a_weight_costs_at_most_its_bytes_and_a_quarter_of_page():
    """The page stores a weight in 8 or 16 bits (per layer), deflated, then base85 (5 characters
    per 4 bytes): at most ~1.25 characters a byte even for untrained (incompressible) weights.
    The browser test checks the real pages stay under 1 MB."""
    keras.utils.set_random_seed(4)
    for hidden in ((32, 64, 128, 256), (256, 512)):
        spec = export_decoder(dense_decoder(2, hidden=hidden), low=(-3, -3), high=(3, 3)).to_json()
        stored = sum(la["n_in"] * la["n_out"] * la["bits"] // 8 for la in spec["layers"])
        packed = zlib.decompress(_unb85(spec["weights"])[:spec["weights_bytes"]])
        assert len(packed) == stored
        assert len(json.dumps(spec)) < 1.27 * stored, (len(json.dumps(spec)), stored)


@pytest.mark.parametrize("layer,named", [
    (keras.layers.BatchNormalization(name="bn"), "'bn' (BatchNormalization)"),
    (keras.layers.Dense(8, activation="softmax", name="soft"), "'soft' (Dense with activation 'softmax')"),
    (keras.layers.Dense(8, activation="gelu", name="g"), "'g' (Dense with activation 'gelu')"),
])
def test_an_unsupported_layer_is_named(layer, named):
    code = keras.Input((2,))
    h = layer(keras.layers.Dense(8, activation="relu")(code))
    decoder = keras.Model(code, keras.layers.Dense(784, activation="sigmoid")(h))
    with pytest.raises(ValueError) as info:
        export_decoder(decoder, low=(-1, -1), high=(1, 1))
    assert named in str(info.value) and SUPPORTED_LAYERS in str(info.value)


def test_a_convolutional_decoder_is_refused_with_its_layer():
    code = keras.Input((2,))
    h = keras.layers.Reshape((7, 7, 1))(keras.layers.Dense(49)(code))
    h = keras.layers.Conv2DTranspose(1, 4, strides=4, padding="same", name="up")(h)
    with pytest.raises(ValueError, match=r"cannot export layer 'reshape.*' \(Reshape\)"):
        export_decoder(keras.Model(code, h), low=(-1, -1), high=(1, 1))
