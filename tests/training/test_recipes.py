"""Recipes for trained models: one path (`trained`), quick mode in one place, presets, stable keys."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from ae_helpers.models import decoder_of, encoder_of, latent_dim_of
from ae_helpers.training import (
    PRESETS,
    QUICK_EPOCHS,
    QUICK_TRAIN_SIZE,
    AutoencoderRecipe,
    BurdaRecipe,
    CVAERecipe,
    FittedJudgeRecipe,
    JudgeRecipe,
    VAERecipe,
    fit_burda,
    fit_judge,
    preset,
    trained,
    trained_autoencoder,
    trained_burda,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "ae_helpers"


def _digits(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((n, 8, 8)).astype("float32"), np.arange(n) % 4


@pytest.fixture
def small_world(fake_mnist, isolated_cache, monkeypatch):
    monkeypatch.setenv("AE_HELPERS_MNIST", str(fake_mnist))
    return isolated_cache


def test_trains_once_then_loads_from_the_cache(small_world):
    first = trained_autoencoder(3, epochs=2, train_size=100, hidden=(16,), quick=False)
    assert not first.from_cache
    assert len(first.history["loss"]) == 2
    assert latent_dim_of(decoder_of(first.model)) == 3
    assert encoder_of(first.model).output_shape == (None, 3)
    again = trained(AutoencoderRecipe(latent_dim=3, epochs=2, train_size=100, hidden=[16]),
                    quick=False)
    assert again.from_cache and again.history == first.history  # the wrapper is the same path
    other = trained_autoencoder(3, epochs=1, train_size=100, hidden=(16,), quick=False)
    assert not other.from_cache  # different settings, different model


@pytest.mark.parametrize("recipe", [
    AutoencoderRecipe(latent_dim=2, epochs=50, train_size=50_000),
    VAERecipe(epochs=50),
    CVAERecipe(epochs=50, train_size=40_000),
    JudgeRecipe(epochs=50),
    BurdaRecipe(objective="iwae", epochs=50),
    FittedJudgeRecipe(images=_digits()[0], labels=_digits()[1], epochs=50),
])
def test_quick_mode_caps_every_kind_alike(recipe):
    quick = recipe.quick()
    assert (quick.epochs, quick.train_size) == (QUICK_EPOCHS, QUICK_TRAIN_SIZE)
    assert type(quick) is type(recipe)
    small = dataclasses.replace(recipe, epochs=1, train_size=100).quick()
    assert (small.epochs, small.train_size) == (1, 100)  # within the caps: unchanged


def test_trained_reads_quick_mode_from_the_environment(small_world, monkeypatch):
    monkeypatch.setenv("AE_HELPERS_QUICK", "1")
    capped = trained(AutoencoderRecipe(latent_dim=2, epochs=QUICK_EPOCHS + 2, train_size=100,
                                       hidden=(8,)))
    assert len(capped.history["loss"]) == QUICK_EPOCHS
    monkeypatch.setenv("AE_HELPERS_QUICK", "0")
    assert preset("chapter2-autoencoder") == PRESETS["chapter2-autoencoder"][0]
    monkeypatch.setenv("AE_HELPERS_QUICK", "1")
    assert preset("chapter2-autoencoder") == PRESETS["chapter2-autoencoder"][1]


def test_presets_are_the_models_the_chapters_share():
    full = preset("chapter2-autoencoder", quick=False)
    assert (full.latent_dim, full.epochs, full.train_size, full.batch_size) == (2, 6, 20_000, 256)
    vae = preset("chapter4-vae", quick=False)
    assert vae.hidden == (256, 128, 64, 32) and vae.follow == 500
    for full, quick in PRESETS.values():
        assert quick.quick() == quick  # a preset's quick recipe lies within the caps
        assert type(full) is type(quick)
    with pytest.raises(ValueError, match="chapter2-autoencoder"):
        preset("chapter-2")


def test_a_preset_is_trained_by_name(small_world, monkeypatch):
    monkeypatch.setitem(PRESETS, "tiny", (AutoencoderRecipe(latent_dim=2, epochs=1, train_size=60,
                                                            hidden=(8,), batch_size=20),) * 2)
    by_name = trained("tiny", quick=False)
    by_recipe = trained(preset("tiny"), quick=False)
    assert not by_name.from_cache and by_recipe.from_cache


def test_cache_keys_are_unchanged_by_the_restructure():
    # The settings that the old trained_autoencoder / trained_vae / trained_cvae / load_judge wrote
    # into the cache key; a model cached before the restructure still loads.
    assert AutoencoderRecipe(latent_dim=2, epochs=6, train_size=20_000).settings() == {
        "latent_dim": 2, "epochs": 6, "train_size": 20_000, "seed": 0, "batch_size": 256,
        "hidden": [512, 256], "loss": "binary_crossentropy", "learning_rate": 1e-3,
    }
    assert VAERecipe(epochs=8, follow=500).settings() == {
        "model": "dense_vae", "latent_dim": 2, "hidden": [512, 256], "beta": 1.0,
        "reconstruction": "bce", "epochs": 8, "batch_size": 128, "learning_rate": 1e-3,
        "schedule": "linear warm-up over 1 epoch (at most a quarter of the steps), cosine to 5%",
        "seed": 0, "train_size": None, "follow": 500, "frames": 20,
    }
    assert CVAERecipe(epochs=8).settings() == {
        "model": "dense_cvae", "latent_dim": 2, "hidden": [512, 256], "beta": 1.0,
        "reconstruction": "bce", "epochs": 8, "batch_size": 128, "learning_rate": 1e-3,
        "schedule": "cosine to 5%", "seed": 0, "train_size": None,
    }
    judge = JudgeRecipe(epochs=4, batch_size=256, learning_rate=4e-3).settings()
    assert {k: v for k, v in judge.items() if k != "architecture"} == {
        "train_size": None, "epochs": 4, "batch_size": 256, "learning_rate": 4e-3, "seed": 0,
    }


@pytest.mark.parametrize("change,error", [
    ({"latent_dim": 0}, ValueError),
    ({"latent_dim": 2.0}, TypeError),
    ({"epochs": 0}, ValueError),
    ({"epochs": "3"}, TypeError),
    ({"train_size": -5}, ValueError),
    ({"seed": -1}, ValueError),
    ({"seed": 1.5}, TypeError),
    ({"learning_rate": 0.0}, ValueError),
    ({"hidden": (8, 0)}, ValueError),
    ({"loss": "l1"}, ValueError),
])
def test_bad_arguments_name_the_argument(change, error):
    (name, value), = change.items()
    with pytest.raises(error, match=f"^{name}") as info:
        AutoencoderRecipe(**{"latent_dim": 2, "epochs": 1, **change})
    got = str(info.value).rsplit("got ", 1)[1]
    assert got.startswith(repr(value)) or got == "0"  # the value itself (or the bad width in hidden)


def test_the_same_mistake_is_the_same_error_in_every_recipe():
    for kind in (AutoencoderRecipe, VAERecipe, CVAERecipe):
        with pytest.raises(TypeError, match="epochs must be an int, got '3'"):
            kind(latent_dim=2, epochs="3")
        with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
            kind(latent_dim=2, epochs=1, batch_size=0)


def test_trained_refuses_what_is_not_a_recipe():
    with pytest.raises(TypeError, match="recipe"):
        trained({"latent_dim": 2})


def test_fit_code_is_the_code_that_trains_each_recipe():
    from ae_helpers.training import AutoencoderRecipe, CVAERecipe, VAERecipe

    vae_code = VAERecipe(latent_dim=2, epochs=3).fit_code()
    assert vae_code.startswith("def fit(self") and "dense_vae(" in vae_code and "train(vae" in vae_code
    assert "dense_cvae(" in CVAERecipe(latent_dim=2, epochs=3).fit_code()
    assert "dense_autoencoder(" in AutoencoderRecipe(latent_dim=2, epochs=3).fit_code()


def test_every_trained_model_goes_through_the_recipes():
    # One way to get a trained model: only the cache defines load_or_train, only the recipes call it.
    callers = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                     if re.search(r"\bload_or_train\(", p.read_text()))
    assert callers == ["training/_cache.py", "training/_recipes.py"]


def test_burda_models_are_cached_under_their_old_names_and_settings():
    vae, iwae = BurdaRecipe(epochs=3, learning_rate=3e-3), BurdaRecipe(objective="iwae", epochs=3)
    assert (vae.cache_name(), iwae.cache_name()) == ("burda_vae", "burda_iwae")
    assert vae.settings() == {
        "model": "burda 784-200-200-50 tanh", "objective": "vae", "k": 1, "epochs": 3,
        "batch_size": 100, "learning_rate": 3e-3,
        "schedule": "linear warm-up over 1 epoch, cosine to 5%; output bias = mean-image log-odds",
        "binarisation": "dynamic", "seed": 0, "train_size": None,
    }
    assert iwae.settings()["k"] == 5
    with pytest.raises(ValueError, match="objective must be one of .*got 'elbo'"):
        BurdaRecipe(objective="elbo", epochs=1)


def test_trained_burda_is_trained_of_its_recipe(small_world, monkeypatch):
    seen = []
    monkeypatch.setattr("ae_helpers.training._recipes.trained",
                        lambda recipe, **kw: seen.append((recipe, kw)) or "model")
    assert trained_burda("iwae", k=3, epochs=2, train_size=60) == "model"
    (recipe, kw), = seen
    assert recipe == BurdaRecipe(objective="iwae", k=3, epochs=2, train_size=60)
    assert kw == {"quick": None, "log_every": 0}


def test_quick_mode_caps_a_burda_model(small_world):
    model = trained(BurdaRecipe(objective="iwae", k=2, epochs=QUICK_EPOCHS + 1, train_size=100,
                                batch_size=50), quick=True)
    assert len(model.history["loss"]) == QUICK_EPOCHS and model.model.k == 2


def test_a_burda_model_continues_its_start_with_its_own_objective(small_world):
    """A recipe with a start begins from the start's trained weights (trained once, cached, shared
    by every continuation) and trains on its own objective; quick mode caps both."""
    first = BurdaRecipe(objective="vae", epochs=2, train_size=100, batch_size=50)
    start = trained(first, quick=False)
    then = BurdaRecipe(objective="iwae", k=2, epochs=1, train_size=100, batch_size=50, start=first)
    assert then.settings()["start"] == first.settings() and "start" not in first.settings()
    continued = trained(then, quick=False)
    assert continued.model.k == 2 and len(continued.history["loss"]) == 1
    again = trained(dataclasses.replace(then, objective="vae"), quick=False)
    assert not again.from_cache and trained(first, quick=False).from_cache
    # what the continuation started from: the start's weights, not random ones
    fresh = fit_burda("iwae", np.zeros((100, 784), "float32"), k=2, epochs=1, batch_size=50,
                      start=start.model)
    moved = [np.abs(a - b).max() for a, b in zip(fresh.encoder.get_weights(),
                                                 start.model.encoder.get_weights())]
    scratch = [np.abs(a - b).max() for a, b in zip(
        fit_burda("iwae", np.zeros((100, 784), "float32"), k=2, epochs=1, batch_size=50, seed=1)
        .encoder.get_weights(), start.model.encoder.get_weights())]
    assert max(moved) < 0.1 < max(scratch)  # two steps from the start, not from a new draw
    capped = dataclasses.replace(then, epochs=QUICK_EPOCHS + 3,
                                 start=dataclasses.replace(first, epochs=QUICK_EPOCHS + 2)).quick()
    assert (capped.epochs, capped.start.epochs) == (QUICK_EPOCHS, QUICK_EPOCHS)


def test_a_burda_start_must_train_on_the_same_images():
    with pytest.raises(ValueError, match="start must train on the same images.*train_size=100"):
        BurdaRecipe(objective="iwae", epochs=1, start=BurdaRecipe(epochs=1, train_size=100))
    with pytest.raises(TypeError, match="start must be a BurdaRecipe.*got VAERecipe"):
        BurdaRecipe(objective="iwae", epochs=1, start=VAERecipe(epochs=1))
    with pytest.raises(TypeError, match="start must be a trained Burda model.*got str"):
        fit_burda("iwae", np.zeros((4, 784), "float32"), epochs=1, start="vae.keras")


def test_a_fitted_judge_is_a_recipe_with_its_data_checked_at_the_door(isolated_cache):
    x, y = _digits(60)
    with pytest.raises(ValueError, match="images must lie in \\[0, 1\\]"):
        FittedJudgeRecipe(images=x * 255, labels=y)
    with pytest.raises(ValueError, match=r"one class label per image \(60\), got shape \(59,\)"):
        FittedJudgeRecipe(images=x, labels=y[:-1])
    recipe = FittedJudgeRecipe(images=x, labels=y, epochs=1, batch_size=20)
    assert recipe.quick().train_size == QUICK_TRAIN_SIZE and len(recipe.quick().data()["x_train"]) == 60
    assert len(dataclasses.replace(recipe, train_size=20).data()["x_train"]) == 20
    judge = fit_judge(x, y, epochs=1, batch_size=20, quick=False)
    again = trained(recipe, quick=False)
    assert judge.n_classes == 4 and not judge.from_cache and again.from_cache


# --------------------------------------------------------------------------- issue #26: any classes


@pytest.fixture(scope="module")
def threes_and_sevens():
    np = pytest.importorskip("numpy")
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()
    keep = np.isin(digits.target, [3, 7])
    return (digits.images[keep] / 16).astype("float32"), digits.target[keep]


def test_a_judge_fitted_on_labels_3_and_7_has_two_classes_named_3_and_7(threes_and_sevens,
                                                                     isolated_cache):
    import numpy as np

    from ae_helpers.measure import generation_report, normalised_entropy
    from ae_helpers.models import dense_vae
    from ae_helpers.training import fit_judge

    x, y = threes_and_sevens
    judge = fit_judge(x[:300], y[:300], validation=(x[300:], y[300:]), epochs=8)
    assert judge.n_classes == 2 and judge.classes.tolist() == [3, 7]  # was 8 classes, 0-7
    assert judge.test_accuracy > 0.9
    assert set(judge.predict(x[300:]).tolist()) <= {3, 7}
    threes, sevens = x[y == 3], x[y == 7]
    m = min(len(threes), len(sevens))
    report = judge.score(np.concatenate([threes[:m], sevens[:m]]), threshold=0.5)
    assert report.histogram.shape == (2,) and report.entropy > 0.98  # was at most log 2 / log 8
    assert normalised_entropy(np.array([m, m])) == 1.0
    assert set(report.as_row()) == {"recognised", "class_entropy", "share_3", "share_7"}
    vae = dense_vae(2, image_shape=(8, 8), hidden=(16,))
    codes = np.random.default_rng(0).normal(size=(50, 2)).astype("float32")
    full = generation_report(vae.decoder, judge, codes=codes, n=24, grid_n=4, n_anchors=3)
    assert full.area_share.shape == (2,) and full.classes.tolist() == [3, 7]
    assert all(row["top_digit"] in (3, 7) for row in full.rows())


def test_fit_judge_takes_string_labels_and_refuses_validation_labels_it_never_saw(
        threes_and_sevens, isolated_cache):
    import numpy as np

    from ae_helpers.training import fit_judge

    x, y = threes_and_sevens
    names = np.where(y == 3, "three", "seven")
    judge = fit_judge(x[:200], names[:200], epochs=1)
    assert judge.classes.tolist() == ["seven", "three"]
    assert set(judge.predict(x[:10]).tolist()) <= {"seven", "three"}
    with pytest.raises(ValueError, match=r"validation labels hold \[9\], not among"):
        fit_judge(x[:200], y[:200], validation=(x[200:202], np.array([3, 9])), epochs=1)
    with pytest.raises(ValueError, match="at least 2 classes"):
        fit_judge(x[:20], np.full(20, 3), epochs=1)
