"""measure: the generation report on a decoder and a judge whose answers we know, tables, errors.

The stub decoder paints every pixel sigmoid(z1): brightness depends on the first latent coordinate
only. The stub judge calls an image digit ``int(10 * brightness)`` and is sure of it (probability 1)
only when the brightness is above 0.5, so the "holes" are exactly the half-plane z1 <= 0.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.measure import (
    PICKS,
    GenerationReport,
    JudgeReport,
    area_entropy,
    compare,
    format_table,
    generation_report,
    neighbourhood_profile,
    normalised_entropy,
)


class StubJudge:
    def probabilities(self, images):
        x = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
        brightness = x.mean(axis=1)
        digit = np.minimum((brightness * 10).astype(int), 9)
        probs = np.full((len(x), 10), 0.0)
        sure = brightness > 0.5
        probs[np.arange(len(x)), digit] = np.where(sure, 1.0, 0.5)
        probs[~sure, (digit[~sure] + 1) % 10] = 0.5
        return probs

    def score(self, images, *, threshold=0.9):
        probs = self.probabilities(images)
        hist = np.bincount(probs.argmax(axis=1), minlength=10)
        return JudgeReport(len(probs), float((probs.max(axis=1) >= threshold).mean()), hist,
                           normalised_entropy(hist), threshold)


def brightness_decoder(latent_dim: int = 2) -> keras.Model:
    model = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(784, activation="sigmoid")])
    kernel = np.zeros((latent_dim, 784), "float32")
    kernel[0] = 1.0
    model.layers[-1].set_weights([kernel, np.zeros(784, "float32")])
    return model


@pytest.fixture
def codes():
    rng = np.random.default_rng(0)
    z = rng.uniform(-3, 3, size=(400, 2)).astype("float32")
    z[:2] = [[-3, -3], [3, 3]]  # the box is exactly [-3, 3]²
    return z


def test_report_measures_the_known_holes_and_areas(codes):
    report = generation_report(brightness_decoder(), StubJudge(), codes=codes, n=400, grid_n=10)
    assert report.hole_share == pytest.approx(0.5)  # grid columns with z1 <= 0
    assert report.area_share.sum() == pytest.approx(1.0)
    # sure columns z1 = 1/3, 1, 5/3, 7/3, 3 have brightness .58, .73, .84, .91, .95: digits 5, 7, 8, 9, 9
    np.testing.assert_allclose(report.area_share, [0, 0, 0, 0, 0, 0.2, 0, 0.2, 0.2, 0.4])
    assert area_entropy(report) < 0.75
    assert report.box.low.tolist() == [-3.0, -3.0] and report.box.high.tolist() == [3.0, 3.0]
    # box points: recognised iff z1 > 0, about half of them
    assert 0.4 < report.picks["box"].recognised < 0.6
    # N(0, 1) points hug z1 = 0, where brightness ~ 0.5: digits 4 and 5 common, 0 and 9 rare
    hist = report.picks["normal"].histogram
    assert hist[[4, 5]].sum() > 0.25 * 400 and hist[[0, 9]].sum() < 0.1 * 400
    assert list(report.picks) == ["recon", "box", "normal", "near"]
    # the reference codes decoded as they are: recognised iff z1 > 0, like the codes themselves
    assert abs(report.picks["recon"].recognised - (codes[:, 0] > 0).mean()) < 0.08


def test_real_images_come_first_and_rows_and_summary_carry_every_pick(codes):
    real = np.full((30, 784), 0.95, "float32")
    report = generation_report(brightness_decoder(), StubJudge(), codes=codes, real_images=real,
                               n=100, grid_n=4, name="stub")
    assert list(report.picks) == list(PICKS)
    assert report.picks["real"].recognised == 1.0 and report.picks["real"].entropy == 0.0
    rows = report.rows()
    assert [r["pick"] for r in rows] == list(PICKS) and {r["model"] for r in rows} == {"stub"}
    assert rows[0]["top_digit"] == 9 and rows[0]["top_share"] == 1.0
    summary = report.summary()
    assert summary["real_recognised"] == 1.0 and summary["hole_share"] == report.hole_share
    assert f"label_change@{report.relative_radii[0]:g}" in summary


def test_neighbourhood_label_changes_grow_with_the_radius():
    decoder, judge = brightness_decoder(), StubJudge()
    anchor = np.array([[2.0, 0.0]])  # brightness 0.88 → digit 8; digit 9 starts at z1 = 2.197
    profile = neighbourhood_profile(decoder, judge, anchor, [0.0, 0.1, 1.0, 3.0], n=32)
    assert profile.anchor_labels.tolist() == [8]
    rate = profile.mean_label_change
    assert rate[0] == 0 and rate[1] == 0 and 0 < rate[2] < rate[3]
    assert profile.mean_pixel_change[0] == pytest.approx(0, abs=1e-6)
    assert np.all(np.diff(profile.mean_pixel_change) > 0)
    assert profile.label_change.shape == (1, 4) and profile.recognised.shape == (1, 4)


def test_same_seed_same_numbers_other_seed_other_points(codes):
    a = generation_report(brightness_decoder(), StubJudge(), codes=codes, n=200, grid_n=4, seed=1)
    b = generation_report(brightness_decoder(), StubJudge(), codes=codes, n=200, grid_n=4, seed=1)
    c = generation_report(brightness_decoder(), StubJudge(), codes=codes, n=200, grid_n=4, seed=2)
    assert a.summary() == b.summary()
    assert a.picks["box"].recognised != c.picks["box"].recognised


def test_near_codes_move_the_recon_and_near_points_but_not_the_box(codes):
    bright = np.tile([[3.0, 0.0]], (50, 1)).astype("float32")  # brightness 0.95: a sure 9
    report = generation_report(brightness_decoder(), StubJudge(), codes=codes, near_codes=bright,
                               n=200, grid_n=4, near_sigma=0.0)
    assert report.picks["recon"].histogram[9] == 200 and report.picks["near"].recognised == 1.0
    assert report.box.low.tolist() == [-3.0, -3.0]  # the box still comes from codes
    with pytest.raises(ValueError, match="near_codes"):
        generation_report(brightness_decoder(), StubJudge(), codes=codes, near_codes=np.zeros((3, 5)))


def test_any_latent_size_works_and_holes_need_2d():
    z = np.random.default_rng(0).normal(size=(200, 5)).astype("float32")
    report = generation_report(brightness_decoder(5), StubJudge(), codes=z, n=100, n_anchors=3)
    assert report.latent_dim == 5 and report.hole_share is None and report.area_share is None
    assert area_entropy(report) is None
    assert report.neighbourhood.anchors.shape == (3, 5)
    assert report.summary()["hole_share"] is None


def test_codes_must_match_the_decoder():
    with pytest.raises(ValueError, match="2 columns"):
        generation_report(brightness_decoder(2), StubJudge(), codes=np.zeros((10, 3)))
    with pytest.raises(ValueError, match=">= 1"):
        generation_report(brightness_decoder(2), StubJudge(), codes=np.eye(2), n=0)


def test_compare_and_format_table(codes):
    reports = [
        generation_report(brightness_decoder(), StubJudge(), codes=codes, n=50, grid_n=3, name=name)
        for name in ("short", "a longer name")
    ]
    rows = compare(reports)
    assert isinstance(reports[0], GenerationReport) and [r["model"] for r in rows] == ["short", "a longer name"]
    text = format_table(rows, columns=["model", "box_recognised", "hole_share"], digits=2)
    lines = text.splitlines()
    assert lines[0].split() == ["model", "box_recognised", "hole_share"]
    assert len({len(line) for line in lines}) == 1  # aligned: every line as long as the header
    assert lines[1].startswith("short ") and lines[1].endswith(f"{reports[0].hole_share:.2f}")


def test_format_table_marks_missing_values_and_refuses_no_rows():
    text = format_table([{"a": 1, "b": None}, {"a": 22.5, "c": "x"}], digits=1)
    assert text.splitlines() == ["   a  b  c", "   1  -  -", "22.5  -  x"]
    with pytest.raises(ValueError, match="no rows"):
        format_table([])


class ThreeClassJudge:
    """A judge of three classes named "dark", "mid" and "bright" (issue #26: not ten digits)."""

    classes = np.array(["dark", "mid", "bright"])

    def probabilities(self, images):
        b = np.asarray(images, dtype=np.float64).reshape(len(images), -1).mean(axis=1)
        return np.eye(3)[np.minimum((b * 3).astype(int), 2)]

    def score(self, images, *, threshold=0.9):
        probs = self.probabilities(images)
        hist = np.bincount(probs.argmax(axis=1), minlength=3)
        return JudgeReport(len(probs), float((probs.max(axis=1) >= threshold).mean()), hist,
                           normalised_entropy(hist), threshold, self.classes)


def test_the_report_takes_a_judge_of_any_number_of_classes(codes):
    report = generation_report(brightness_decoder(), ThreeClassJudge(), codes=codes, n=60,
                               grid_n=6, n_anchors=4)  # was: cannot reshape ... into (.., 10)
    assert report.area_share.shape == (3,) and report.area_share.sum() == pytest.approx(1.0)
    assert report.classes.tolist() == ["dark", "mid", "bright"]
    assert {row["top_digit"] for row in report.rows()} <= {"dark", "mid", "bright"}
    assert 0.0 <= area_entropy(report) <= 1.0
    assert report.neighbourhood.label_change.shape[1] == len(report.relative_radii)


def test_conditional_scores_use_the_judges_labels():
    from ae_helpers.measure import conditional_scores
    images = np.concatenate([np.full((2, 784), 0.1), np.full((2, 784), 0.9)]).astype("float32")
    scores = conditional_scores(ThreeClassJudge(), images, np.array(["dark", "dark", "bright", "mid"]))
    assert scores["on_request"] == 0.75 and len(scores["per_digit_on_request"]) == 3
    with pytest.raises(ValueError, match=r"\['pink'\], which are not classes of the judge"):
        conditional_scores(ThreeClassJudge(), images, np.array(["pink"] * 4))
