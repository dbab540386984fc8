"""as_images: every helper that takes images rejects what is not a batch of MNIST images in [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers._checks import as_images


@pytest.mark.parametrize("shape", [(3, 784), (3, 28, 28), (3, 28, 28, 1)])
def test_accepts_the_three_layouts(shape):
    out = as_images(np.full(shape, 0.5, dtype="float64"))
    assert out.shape == (3, 28, 28, 1) and out.dtype == np.float32


@pytest.mark.parametrize("layout,shape", [("flat", (2, 784)), ("image", (2, 28, 28))])
def test_returns_the_layout_asked_for(layout, shape):
    assert as_images(np.zeros((2, 28, 28, 1), "float32"), layout=layout).shape == shape


BAD = [
    ("a batch of 5 axes", np.zeros((2, 4, 4, 4, 1), "float32"), ValueError, "shape"),
    ("one image without batch", np.zeros((28, 28), "float32"), ValueError, "shape"),
    ("flat of wrong length", np.zeros((2, 783), "float32"), ValueError, "shape"),
    ("0-255 as floats", np.full((2, 784), 255.0), ValueError, "divide by 255"),
    ("negative values", np.full((2, 784), -0.1), ValueError, r"\[0, 1\]"),
    ("uint8 pixels", np.zeros((2, 784), np.uint8), TypeError, "floating point"),
    ("booleans", np.zeros((2, 784), bool), TypeError, "numeric"),
    ("strings", np.array([["a"] * 784]), TypeError, "numeric"),
    ("NaN", np.full((2, 784), np.nan), ValueError, "NaN"),
    ("inf", np.full((2, 784), np.inf), ValueError, "NaN or infinite"),
    ("empty batch", np.zeros((0, 784), "float32"), ValueError, "empty"),
    ("a dict", {"x": 1}, TypeError, "numeric"),
]


@pytest.mark.parametrize("case,value,error,match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_error(case, value, error, match):
    with pytest.raises(error, match=match):
        as_images(value)


def test_error_names_the_argument():
    with pytest.raises(ValueError, match="^reconstructions must"):
        as_images(np.zeros((1, 5)), name="reconstructions")


@pytest.mark.parametrize("shape,layout,out", [
    ((2, 32, 32), "channels", (2, 32, 32, 1)),
    ((2, 32, 32, 3), "image", (2, 32, 32, 3)),
    ((2, 32, 32, 1), "image", (2, 32, 32)),
    ((2, 64), "image", (2, 8, 8)),
    ((2, 8, 8, 3), "flat", (2, 192)),
    ((2, 3072), "channels", None),
])
def test_any_image_shape(shape, layout, out):
    x = np.zeros(shape, "float32")
    if out is None:  # flat rows of no square size: the height and width must be given
        with pytest.raises(ValueError, match="image_shape"):  # a caller that takes image_shape
            as_images(x, layout=layout, image_shape_param=True)
        with pytest.raises(ValueError, match=r"reshape\(-1, h, w, 3\)") as info:  # one that does not
            as_images(x, layout=layout)
        assert "image_shape" not in str(info.value)
        assert as_images(x, layout=layout, image_shape=(32, 32, 3)).shape == (2, 32, 32, 3)
    else:
        assert as_images(x, layout=layout).shape == out


def test_image_shape_must_match_the_model():
    with pytest.raises(ValueError, match="784 values per image"):
        as_images(np.zeros((2, 8, 8), "float32"), image_shape=(784,))
    assert as_images(np.zeros((2, 784), "float32"), image_shape=(28, 28, 1)).shape == (2, 28, 28, 1)


@pytest.mark.parametrize(("hi", "words", "not_words"), [
    (np.float32(1.0) + np.float32(1e-7), "to 1.00000012 (just above 1", "255"),
    (16.0, "divide by 16", "255"),
    (255.0, "0-255 pixels? divide by 255", None),
    (4000.0, "divide by the largest value, 4000", "255"),
])
def test_range_errors_say_the_value_and_the_fix_that_fits_it(hi, words, not_words):
    """Issue #26: 'from 1 to 1 (0-255 pixels? divide by 255)' for 1.0000001, and 255 for 0-16."""
    x = np.zeros((2, 64), "float32")
    x[0, 0] = hi
    with pytest.raises(ValueError) as info:
        as_images(x)
    assert words in str(info.value)
    assert not_words is None or not_words not in str(info.value)


def test_values_below_zero_suggest_the_mapping_from_minus_one():
    with pytest.raises(ValueError, match=r"\(images \+ 1\) / 2"):
        as_images(np.full((2, 64), -1.0, "float32"))


def test_as_images_scans_values_without_a_copy_of_the_batch():
    """NaN and infinities are found through min and max: no boolean array as large as the batch
    (47 MB for 60,000 MNIST images), and float32 images come back as views, not copies."""
    import tracemalloc

    x = np.random.default_rng(0).random((2000, 784)).astype("float32")
    tracemalloc.start()
    try:
        out = as_images(x, layout="flat")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.shares_memory(out, x)
    assert peak < x.size / 10, f"{peak / 1e6:.2f} MB"
    for bad in (np.nan, np.inf, -np.inf):
        y = x[:3].copy()
        y[1, 5] = bad
        with pytest.raises(ValueError, match="NaN or infinite"):
            as_images(y)
