"""Animations: snapshots during training, and HTML that plays without a kernel and stays light."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_helpers.models import dense_autoencoder, dense_decoder, encoder_of, run_model
from ae_helpers.training import LatentSnapshots
from ae_helpers.viz import latent_filling_animation, latent_walk_animation, to_html


def test_snapshots_follow_training():
    keras.utils.set_random_seed(0)
    model = dense_autoencoder(2, hidden=(16,))
    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    cb = LatentSnapshots(lambda v: encoder_of(model).predict(v, verbose=0), x[:10])
    model.fit(x, x, epochs=3, batch_size=32, verbose=0, callbacks=[cb])
    snaps = cb.snapshots
    assert snaps.shape == (4, 10, 2)
    assert not np.allclose(snaps[0], snaps[-1])  # training moved the codes


def test_filling_animation_html_has_every_frame_and_stays_small():
    rng = np.random.default_rng(0)
    snaps = rng.normal(size=(6, 200, 2)).astype("float32")
    html = to_html(latent_filling_animation(snaps, np.arange(200) % 10))
    assert html.count("data:image/png;base64") == 6
    assert len(html) < 600_000  # about 100 kB a frame at most


def test_walk_animation_decodes_each_path():
    decoders = {"AE": dense_decoder(2, hidden=(8,)), "VAE": dense_decoder(2, hidden=(8,))}
    path = np.linspace([-2, -2], [2, 2], 5)
    html = to_html(latent_walk_animation(decoders, {"AE": path, "VAE": path}))
    assert html.count("data:image/png;base64") == 5


def test_walk_animation_errors():
    d = {"AE": dense_decoder(2, hidden=(8,))}
    with pytest.raises(ValueError, match="same models"):
        latent_walk_animation(d, {"VAE": np.zeros((3, 2))})
    with pytest.raises(ValueError, match="same number of frames"):
        latent_walk_animation({**d, "B": d["AE"]}, {"AE": np.zeros((3, 2)), "B": np.zeros((4, 2))})


@pytest.mark.parametrize("snaps,labels,match", [
    (np.zeros((3, 4, 3)), np.arange(4), "shape"),
    (np.zeros((3, 4, 2)), np.arange(5), "labels"),
])
def test_filling_animation_errors(snaps, labels, match):
    with pytest.raises(ValueError, match=match):
        latent_filling_animation(snaps, labels)


def test_snapshots_every_few_steps_end_with_the_last_step():
    keras.utils.set_random_seed(0)
    model = dense_autoencoder(2, hidden=(16,))
    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    cb = LatentSnapshots(lambda v: run_model(encoder_of(model), v)[0], x[:10], every=3)
    model.fit(x, x, epochs=2, batch_size=16, verbose=0, callbacks=[cb])  # 8 steps
    assert cb.steps.tolist() == [0, 3, 6, 8]
    assert cb.snapshots.shape == (4, 10, 2)
    with pytest.raises(ValueError, match="every"):
        LatentSnapshots(lambda v: v, x, every=0)


def test_filling_animation_captions_follow_the_epochs():
    snaps = np.zeros((3, 4, 2), "float32")
    anim = latent_filling_animation(snaps, np.arange(4), epochs=np.array([0.0, 0.5, 2.0]), title="t")
    titles = []
    for frame in range(3):
        anim._func(frame)
        titles.append(anim._fig.axes[0].get_title())
    assert titles == ["t\nbefore training", "t\nafter 0.5 epochs", "t\nafter 2 epochs"]
    with pytest.raises(ValueError, match="one number per frame"):
        latent_filling_animation(snaps, np.arange(4), epochs=np.zeros(2))


def test_trained_vae_films_its_training_and_caches_the_film(isolated_cache, mnist_path):
    from ae_helpers.training import FRAMES, trained_vae

    first = trained_vae(2, epochs=2, train_size=640, batch_size=16, hidden=(32,), follow=50)
    snaps, labels, epochs = (first.extras[k] for k in ("snapshots", "labels", "epochs"))
    assert snaps.shape == (FRAMES + 1, 50, 2) and labels.shape == (50,)  # 80 steps: every 4th
    assert epochs[0] == 0 and epochs[-1] == 2 and np.all(np.diff(epochs) > 0)
    assert not np.allclose(snaps[0], snaps[-1])
    again = trained_vae(2, epochs=2, train_size=640, batch_size=16, hidden=(32,), follow=50)
    assert again.from_cache
    np.testing.assert_array_equal(again.extras["snapshots"], snaps)
    plain = trained_vae(2, epochs=2, train_size=640, batch_size=16, hidden=(32,))
    assert not plain.from_cache and plain.extras == {}  # filming is part of the cache key


def test_to_html_carries_alt_text():
    html = to_html(latent_filling_animation(np.zeros((2, 3, 2)), np.arange(3)), alt='codes "moving"')
    assert '<img alt="codes &quot;moving&quot;" id=' in html


def test_to_html_loads_nothing_from_the_network_and_draws_every_button():
    """Issue #23: no http(s) URL (Matplotlib links Font Awesome from a CDN); each icon gets a glyph."""
    import re

    from ae_helpers.viz._animations import PLAYER_ICONS

    html = to_html(latent_filling_animation(np.zeros((2, 3, 2)), np.arange(3)))
    assert not re.search(r"https?://", html, re.IGNORECASE), re.findall(r"https?://\S{0,60}", html)
    assert "<link" not in html
    icons = {cls for classes in re.findall(r'<i class="([^"]*)"', html) for cls in classes.split()
             if cls.startswith("fa-")}
    # The player's nine buttons (reverse play is fa-play mirrored by fa-flip-horizontal).
    assert icons == set(PLAYER_ICONS) | {"fa-flip-horizontal"}, icons
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    for cls in PLAYER_ICONS:
        content = re.search(rf"\.anim-buttons \.{cls}::before \{{ content: \"([^\"]+)\"; \}}", style)
        assert content, f"no glyph for {cls}"
    assert ".anim-buttons .fa-flip-horizontal { transform: scaleX(-1); }" in style
    for cls, glyph in PLAYER_ICONS.items():
        assert glyph.strip() and all(ord(ch) < 0x2300 or ord(ch) > 0x23FF for ch in glyph), cls
