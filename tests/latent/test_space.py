"""latent: encode/decode any model, boxes, grids, sampling, neighbourhoods, interpolation; clear errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ae_helpers.latent import (
    Box,
    bounding_box,
    code_scale,
    decode,
    encode,
    grid_points,
    interpolate,
    latent_grid,
    neighbourhood,
    sample_box,
    sample_near,
    sample_normal,
)
from ae_helpers.models import dense_decoder, dense_encoder, latent_dim_of

from ..floats import assert_close_float32


def test_encode_reshapes_images_to_the_encoders_input():
    flat = dense_encoder(3, hidden=(8,))
    image = dense_encoder(3, input_shape=(28, 28, 1), hidden=(8,))
    x = np.random.default_rng(0).random((7, 28, 28)).astype("float32")
    assert encode(flat, x).shape == (7, 3)
    assert_close_float32(encode(image, x.reshape(7, 784)), encode(image, x), terms=784 + 8)


def test_encode_takes_the_mean_of_a_two_output_encoder():
    inputs = keras.Input((784,))
    mean = keras.layers.Dense(2, name="mean")(inputs)
    log_var = keras.layers.Dense(2, name="log_var")(inputs)
    vae_encoder = keras.Model(inputs, [mean, log_var])
    x = np.random.default_rng(1).random((4, 784)).astype("float32")
    expected = keras.Model(inputs, mean).predict(x, verbose=0)
    assert_close_float32(encode(vae_encoder, x), expected, terms=784)


def test_encode_rejects_non_images():
    with pytest.raises(ValueError, match="must lie in"):
        encode(dense_encoder(2, hidden=(4,)), np.full((2, 784), 255.0))


def test_decode_checks_the_latent_size_and_clips():
    decoder = dense_decoder(2, hidden=(8,))
    out = decode(decoder, np.zeros((3, 2)))
    assert out.shape == (3, 28, 28) and out.min() >= 0 and out.max() <= 1
    with pytest.raises(ValueError, match="2 columns"):
        decode(decoder, np.zeros((3, 4)))
    with pytest.raises(ValueError, match="NaN"):
        decode(decoder, np.full((1, 2), np.nan))
    assert latent_dim_of(decoder) == 2


def test_bounding_box_contains_every_code_and_can_be_padded_or_trimmed():
    z = np.random.default_rng(0).normal(size=(500, 3))
    box = bounding_box(z)
    assert box.contains(z).all() and box.dim == 3
    padded = bounding_box(z, margin=0.1)
    np.testing.assert_allclose(padded.high - padded.low, 1.2 * (box.high - box.low), rtol=1e-5)
    trimmed = bounding_box(z, quantile=0.05)
    inside = (z >= trimmed.low) & (z <= trimmed.high)  # per dimension: 5 % cut on each side
    assert np.all((inside.mean(axis=0) > 0.88) & (inside.mean(axis=0) < 0.92))
    with pytest.raises(ValueError, match="flat"):
        bounding_box(np.c_[z[:, 0], np.zeros(500)])
    with pytest.raises(ValueError, match="quantile"):
        bounding_box(z, quantile=0.5)
    with pytest.raises(ValueError, match="low < high"):
        Box([0.0, 1.0], [1.0, 1.0])


def test_box_grid_runs_left_to_right_and_top_to_bottom_over_the_box():
    z1, z2, codes = grid_points(n=4, box=Box([-1.0, 10.0], [2.0, 13.0]))
    assert z1.tolist() == [-1.0, 0.0, 1.0, 2.0]
    assert z2.tolist() == [13.0, 12.0, 11.0, 10.0]
    assert codes.shape == (16, 2)
    assert codes[0].tolist() == [-1.0, 13.0] and codes[-1].tolist() == [2.0, 10.0]


def test_gaussian_grid_is_symmetric_quantiles_around_the_centre():
    z1, z2, codes = grid_points(n=5, spacing="gaussian", center=(1.0, -1.0))
    np.testing.assert_allclose(z1 - 1.0, -(z1[::-1] - 1.0), atol=1e-6)
    assert z1[2] == pytest.approx(1.0) and z2[2] == pytest.approx(-1.0)
    assert z1[-1] - 1.0 == pytest.approx(1.6449, abs=1e-3)  # the 95 % quantile of N(0, 1)
    steps = np.diff(z1)
    assert steps[0] > steps[1]  # denser in the middle than at the edges


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"box": Box([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])}, "2-D box"),
        ({"box": Box([0.0, 0.0], [1.0, 1.0]), "span": 1.0}, "not both"),
        ({"spacing": "gaussian", "span": 2.0}, "do not give"),
        ({"spacing": "polar"}, "spacing"),
        ({"spacing": "gaussian", "low": 0.9, "high": 0.1}, "low < high"),
        ({"span": -1.0}, "span"),
        ({"n": 1}, ">= 2"),
    ],
)
def test_grid_points_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        grid_points(**kwargs)


def test_latent_grid_decodes_2d_and_refuses_a_16d_space():
    grid = latent_grid(dense_decoder(2, hidden=(8,)), n=3, span=1.0)
    assert grid.images.shape == (9, 28, 28) and grid.n == 3
    with pytest.raises(ValueError, match="2-D latent space; this decoder takes 16-D"):
        latent_grid(dense_decoder(16, hidden=(8,)))


def test_sampling_box_normal_and_near():
    box = Box([-5.0, 0.0, 10.0], [5.0, 1.0, 11.0])
    z = sample_box(box, 2000, seed=3)
    assert z.shape == (2000, 3) and box.contains(z).all()
    assert np.abs(z.mean(axis=0) - [0.0, 0.5, 10.5]).max() < 0.3
    np.testing.assert_array_equal(z, sample_box(box, 2000, seed=3))
    assert not np.array_equal(z, sample_box(box, 2000, seed=4))

    g = sample_normal(4000, 16, seed=0)
    assert g.shape == (4000, 16) and abs(g.std() - 1) < 0.05

    codes = (np.random.default_rng(0).normal(size=(300, 2)) * [10.0, 0.1]).astype("float32")
    exact = sample_near(codes, 50, sigma=0.0)
    assert all((row == codes).all(axis=1).any() for row in exact)
    two = np.array([[-10.0, -0.1], [10.0, 0.1]] * 50)  # spread 10 and 0.1
    near = sample_near(two, 5000, sigma=0.1)
    steps = near - np.where(near[:, :1] < 0, two[:1], two[1:2])
    # relative steps: 10 % of each dimension's spread, so the narrow dimension moves 100× less
    np.testing.assert_allclose(steps.std(axis=0), [1.0, 0.01], rtol=0.05)
    assert np.abs(sample_near(two, 5000, sigma=0.1, relative=False)[:, 1]).max() > 0.2


def test_sampling_rejects_bad_arguments():
    with pytest.raises(TypeError, match="Box"):
        sample_box(([0, 0], [1, 1]), 3)
    with pytest.raises(ValueError, match=">= 1"):
        sample_normal(0, 2)
    with pytest.raises(ValueError, match="sigma"):
        sample_near(np.zeros((3, 2)), 3, sigma=-1.0)
    with pytest.raises(ValueError, match="shape"):
        sample_near(np.zeros(3), 3)


@settings(max_examples=30, deadline=None)
@given(dim=st.integers(1, 12), radius=st.floats(0.0, 100.0), seed=st.integers(0, 1000))
def test_neighbourhood_points_lie_exactly_at_each_radius(dim, radius, seed):
    anchor = np.arange(dim, dtype=float)
    pts = neighbourhood(anchor, [radius, 2 * radius], n=6, seed=seed)
    assert pts.shape == (2, 6, dim)
    dist = np.linalg.norm(pts - anchor, axis=-1)
    np.testing.assert_allclose(dist[0], radius, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(dist[1], 2 * radius, rtol=1e-4, atol=1e-3)


def test_neighbourhood_circles_are_evenly_spread_in_2d():
    pts = neighbourhood([0.0, 0.0], [1.0], n=4)[0]
    assert np.abs(pts.sum(axis=0)).max() < 1e-5  # four points at right angles cancel out
    with pytest.raises(ValueError, match="radii"):
        neighbourhood([0.0, 0.0], [-1.0])


def test_interpolate_and_code_scale():
    line = interpolate([0.0, 10.0], [4.0, 2.0], 5)
    assert line[0].tolist() == [0.0, 10.0] and line[-1].tolist() == [4.0, 2.0]
    np.testing.assert_allclose(np.diff(line, axis=0), [[1.0, -2.0]] * 4)
    with pytest.raises(ValueError, match="differ in size"):
        interpolate([0.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=">= 2"):
        interpolate([0.0], [1.0], 1)
    z = np.random.default_rng(0).normal(size=(1000, 4))
    assert code_scale(z + 100.0) == pytest.approx(code_scale(z))
    assert code_scale(3 * z) == pytest.approx(3 * code_scale(z))
    assert code_scale(z) == pytest.approx(2.0, rel=0.05)  # sqrt(4 dimensions × variance 1)
