"""Calling any model batch by batch with NumPy arrays out: every output kept, inputs checked."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.models import run_model

from ..floats import assert_close_float32


def test_run_model_matches_the_model_and_keeps_every_output():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(4)(inputs)])
    x = np.random.default_rng(0).random((7, 3)).astype("float32")
    first, second = run_model(model, x, batch_size=3)
    expected = model(x)
    assert_close_float32(first, keras.ops.convert_to_numpy(expected[0]), terms=3)
    assert second.shape == (7, 4)


def test_run_model_takes_several_inputs_and_refuses_ragged_ones():
    a, b = keras.Input((2,)), keras.Input((3,))
    model = keras.Model([a, b], keras.layers.Concatenate()([a, b]))
    (out,) = run_model(model, [np.ones((5, 2), "float32"), np.zeros((5, 3), "float32")], batch_size=2)
    assert out.shape == (5, 5)
    with pytest.raises(ValueError, match="different numbers of examples"):
        run_model(model, [np.ones((5, 2), "float32"), np.zeros((4, 3), "float32")])
    with pytest.raises(ValueError, match="batch_size"):
        run_model(model, np.ones((5, 2), "float32"), batch_size=0)
