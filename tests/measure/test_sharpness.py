"""Sharpness measures: blur lowers the RMS gradient and raises the grey share; inputs are checked."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.measure import (
    confidence,
    gradient_magnitude,
    grey_share,
    rms_gradient,
    sharpness,
    sharpness_table,
)


def strokes(n: int = 4) -> np.ndarray:
    x = np.zeros((n, 28, 28), "float32")
    for i in range(n):
        x[i, 6:22, 8 + i : 10 + i] = 1.0   # a vertical bar
        x[i, 12:14, 6:20] = 1.0            # a horizontal bar
    return x


def box_blur(x: np.ndarray) -> np.ndarray:
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    return sum(padded[:, i : i + 28, j : j + 28] for i in range(3) for j in range(3)) / 9


def test_blur_lowers_the_rms_gradient_and_raises_the_grey_share():
    sharp = strokes()
    soft = box_blur(sharp).astype("float32")
    assert (rms_gradient(soft) < rms_gradient(sharp)).all()
    assert (grey_share(soft) > grey_share(sharp)).all()
    assert (grey_share(sharp) == 0).all()


def test_blank_and_flat_images_have_no_gradient():
    assert rms_gradient(np.zeros((2, 784), "float32")).tolist() == [0.0, 0.0]
    assert rms_gradient(np.full((1, 28, 28), 0.7, "float32")).tolist() == [0.0]
    assert np.isnan(grey_share(np.zeros((1, 784), "float32"))[0])


def test_gradient_magnitude_of_a_single_step():
    x = np.zeros((1, 28, 28), "float32")
    x[0, 10:, :] = 1.0  # a horizontal edge between rows 9 and 10
    g = gradient_magnitude(x)
    assert g.shape == (1, 27, 27)
    assert g[0, 9].tolist() == [1.0] * 27 and g.sum() == 27.0


def test_every_layout_gives_the_same_numbers():
    x = strokes(2)
    for view in (x.reshape(2, 784), x[..., None]):
        np.testing.assert_allclose(rms_gradient(view), rms_gradient(x))
        np.testing.assert_allclose(grey_share(view), grey_share(x))


@pytest.mark.parametrize("bad,error", [
    (np.zeros((2, 10), "float32"), ValueError),  # flat rows of no known height and width
    (np.full((1, 784), 2.0, "float32"), ValueError),
    (np.zeros((1, 784), "uint8"), TypeError),
    (np.full((1, 784), np.nan, "float32"), ValueError),
])
def test_bad_images_are_refused(bad, error):
    with pytest.raises(error):
        rms_gradient(bad)
    with pytest.raises(error):
        sharpness(bad)


@pytest.mark.parametrize("kwargs", [{"ink": 0.9, "solid": 0.5}, {"ink": -0.1}, {"solid": 1.5}])
def test_grey_share_refuses_bad_thresholds(kwargs):
    with pytest.raises(ValueError):
        grey_share(strokes(1), **kwargs)


class ConstantJudge:
    def __init__(self, top: float):
        self.top = top

    def probabilities(self, images):
        p = np.full((len(images), 10), (1 - self.top) / 9)
        p[:, 3] = self.top
        return p


def test_sharpness_report_and_table():
    sharp, soft = strokes(), box_blur(strokes()).astype("float32")
    reports = sharpness_table({"sharp": sharp, "soft": soft}, judge=ConstantJudge(0.8))
    assert [r.name for r in reports] == ["sharp", "soft"]
    assert reports[0].rms_gradient > reports[1].rms_gradient
    assert reports[0].confidence == pytest.approx(0.8)
    assert reports[0].per_image_gradient.shape == (4,)
    row = reports[1].row()
    assert row["images"] == "soft" and row["n"] == 4 and row["grey_share"] > 0.5
    assert sharpness(sharp).confidence is None
    with pytest.raises(ValueError):
        sharpness_table({})


def test_confidence_checks_the_judge_output():
    assert confidence(ConstantJudge(0.9), strokes(2)).tolist() == pytest.approx([0.9, 0.9])

    class Broken:
        def probabilities(self, images):
            return np.ones((len(images), 3))

    with pytest.raises(ValueError, match="probabilities"):
        confidence(Broken(), strokes(2))


def test_rms_gradient_in_blocks_equals_one_block(monkeypatch):
    """rms_gradient works a block of images at a time (memory): each image's value is exactly the
    one-block value, and NumPy's peak does not grow with the number of images."""
    import tracemalloc

    from ae_helpers.measure import _sharpness, rms_gradient

    x = np.random.default_rng(0).random((4000, 28, 28)).astype("float32")
    whole = np.sqrt((_sharpness.gradient_magnitude(x[:7]) ** 2).mean(axis=(1, 2)))
    monkeypatch.setattr(_sharpness, "BLOCK", 3)
    np.testing.assert_array_equal(rms_gradient(x[:7]), whole)
    monkeypatch.setattr(_sharpness, "BLOCK", 500)
    peaks = []
    for n in (500, 4000):
        tracemalloc.start()
        try:
            rms_gradient(x[:n])
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0], [f"{p / 1e6:.1f} MB" for p in peaks]
