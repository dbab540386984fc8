"""Arguments are checked once, at the door: nested helpers let checked values through."""

from __future__ import annotations

import collections
import inspect
import sys
import threading
from types import SimpleNamespace

import numpy as np
import pytest
from keras import ops

from ae_helpers import _checks
from ae_helpers._checks import at_the_door, check_int, check_observation, checked_already
from ae_helpers.measure import log_likelihood
from ae_helpers.training import AutoencoderRecipe, trained


@pytest.fixture
def checks_run(monkeypatch):
    """Count, by argument name, the checks that run (outermost calls, outside checked_already())."""
    counts: collections.Counter = collections.Counter()
    depth = [0]

    def counting(check):
        params = inspect.signature(check).parameters

        def wrapper(*args, **kwargs):
            if depth[0] == 0 and at_the_door():
                bound = inspect.signature(check).bind(*args, **kwargs)
                bound.apply_defaults()
                counts[bound.arguments.get("name", check.__name__)] += 1
            depth[0] += 1
            try:
                return check(*args, **kwargs)
            finally:
                depth[0] -= 1
        assert params  # every check takes the value first
        return wrapper

    originals = {n: getattr(_checks, n) for n in _checks.__all__ if n.startswith(("check_", "as_"))}
    wrapped = {n: counting(f) for n, f in originals.items()}
    for module in [m for name, m in sys.modules.items() if name.startswith("ae_helpers")]:
        for n, f in originals.items():
            if getattr(module, n, None) is f:
                monkeypatch.setattr(module, n, wrapped[n])
    return counts


def test_inside_the_block_values_pass_through_and_the_block_ends():
    with pytest.raises(ValueError, match="epochs must be an int >= 1, got 0"):
        check_int(0, "epochs")
    with checked_already():
        assert check_int(0, "epochs") == 0 and not at_the_door()
        with checked_already():
            pass
        assert not at_the_door()  # an inner block leaves the outer one in force
    assert at_the_door()
    with pytest.raises(ValueError, match="observation must be one of"):
        check_observation("poisson", 1.0)


def test_a_worker_thread_is_not_inside_the_block():
    seen = []
    with checked_already():
        thread = threading.Thread(target=lambda: seen.append(at_the_door()))
        thread.start()
        thread.join()
    assert seen == [True]


def test_log_likelihood_checks_each_argument_once(checks_run):
    prior = lambda x: (ops.zeros((len(x), 2)), ops.zeros((len(x), 2)))  # noqa: E731
    coins = lambda z: ops.zeros((ops.shape(z)[0], 784)) + 0.5  # noqa: E731
    model = SimpleNamespace(encoder=prior, decoder=coins)
    log_likelihood(model, np.ones((30, 784), "float32"), k=40, max_rows=100)  # 12 chunks
    assert set(checks_run.values()) == {1}, checks_run
    assert {"x", "k", "max_rows", "seed"} <= set(checks_run)


def test_trained_checks_each_field_once(checks_run, fake_mnist, isolated_cache, monkeypatch):
    monkeypatch.setenv("AE_HELPERS_MNIST", str(fake_mnist))
    recipe = AutoencoderRecipe(latent_dim=2, epochs=1, train_size=60, hidden=(8,), batch_size=20)
    checks_run.clear()  # the recipe's own checks, when it was made: once each
    AutoencoderRecipe(latent_dim=2, epochs=1, train_size=60, hidden=(8,), batch_size=20)
    made = dict(checks_run)
    assert set(made.values()) == {1} and {"epochs", "latent_dim", "batch_size"} <= set(made)
    checks_run.clear()
    trained(recipe, quick=False)
    assert dict(checks_run) == {"log_every": 1}  # the fields are not checked again on the way

