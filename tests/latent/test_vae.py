"""Using a trained VAE: the prior's mass within a radius."""

from __future__ import annotations

import numpy as np
import pytest

from ae_helpers.latent import prior_mass_within


def test_prior_mass_within_matches_sampling():
    z = np.random.default_rng(0).standard_normal((100_000, 2))
    inside = (np.linalg.norm(z, axis=1) <= 1.5).mean()
    assert prior_mass_within(1.5) == pytest.approx(inside, abs=0.01)
    assert prior_mass_within(0.0) == 0.0
    with pytest.raises(ValueError, match="radius"):
        prior_mass_within(-1.0)


def test_prior_mass_within_refuses_a_negative_radius():
    assert prior_mass_within(0.0) == 0.0
    with pytest.raises(ValueError, match="radius must be a non-negative number, got -1"):
        prior_mass_within(-1)
