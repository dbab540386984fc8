"""The sharpness figure: what it draws."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ae_helpers.measure import sharpness_table
from ae_helpers.viz import sharpness_plot


def test_sharpness_plot_puts_the_first_batch_on_top_and_marks_the_means():
    x = np.zeros((3, 784), "float32")
    x[:, 300:310] = 1.0
    reports = sharpness_table({"real": x, "blurred": x * 0.5})
    fig = sharpness_plot(reports)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["blurred", "real"]
    means = ax.collections[0].get_offsets()
    assert means[1][0] == pytest.approx(reports[0].rms_gradient)  # "real" at the top (y = 2)
    with pytest.raises(ValueError):
        sharpness_plot([])
