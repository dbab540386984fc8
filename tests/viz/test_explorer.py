"""The latent explorer: a live page (map, pointer, in-page decoder) and a still; refuses non-2-D decoders.

The export of the weights and the page's forward pass are tested in test_export.py."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from ae_helpers.models import dense_decoder
from ae_helpers.viz import latent_explorer

from ..floats import assert_close_float32


@pytest.fixture(scope="module")
def decoder():
    return dense_decoder(2, hidden=(16,))


def test_moving_a_slider_decodes_the_new_point(decoder):
    pytest.importorskip("ipywidgets")
    explorer = latent_explorer(decoder, span=2.0)
    box = explorer.widget()
    s1, s2 = box.children[0].children
    image = box.children[1]
    before = image.value
    s1.value = 1.7
    assert image.value != before and image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert (s1.min, s1.max) == (-2.0, 2.0)


def test_one_output_carries_the_live_page_and_a_still(decoder):
    bundle = latent_explorer(decoder)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle  # no kernel needed
    html = bundle["text/html"]
    assert "AEExplorer.mount(" in html and 'class="aex-map"' in html and 'tabindex="0"' in html
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"


def test_the_page_asks_the_network_for_nothing(decoder):
    html = latent_explorer(decoder, codes=np.eye(3)[:, :2], labels=[1, 2, 3]).html()
    for word in ("http:", "https:", "fetch(", "XMLHttpRequest", "import(", "src="):
        assert word not in html, word


def test_the_map_carries_the_codes_and_their_digits(decoder):
    codes = np.array([[-1.0, -1.0], [0.0, 0.5], [1.0, 1.0]])
    explorer = latent_explorer(decoder, codes=codes, labels=[4, 7, 9], name="AE")
    data = explorer._panel_data()
    assert data["box"] == [-1.0, 1.0, -1.0, 1.0]  # the codes' box by default
    assert list(base64.b64decode(data["codes"])) == [0, 0, 128, 191, 255, 255]
    assert list(base64.b64decode(data["labels"])) == [4, 7, 9]
    outside = latent_explorer(decoder, codes=codes, labels=[4, 7, 9], span=0.8, center=(0, 0))
    assert list(base64.b64decode(outside._panel_data()["labels"])) == [7]  # only what the map shows
    assert 'aria-label="Latent map of the AE' in explorer.html()


def test_two_panels_side_by_side(decoder):
    other = latent_explorer(decoder, span=5.0, name="autoencoder")
    explorer = latent_explorer(decoder, name="VAE", compare=other)
    html = explorer.html()
    assert html.count('class="aex-panel"') == 2 and "autoencoder" in html
    assert len(explorer.still().axes) == 2


def test_a_conditional_decoder_gets_digit_buttons():
    from ae_helpers.models import conditional_decoder

    explorer = latent_explorer(conditional_decoder(2, hidden=(8,)), label=3)
    html = explorer.html()
    assert html.count('class="aex-label"') == 10 and 'data-label="3" aria-pressed="true"' in html
    assert explorer.exported.n_classes == 10
    assert not np.allclose(explorer.image_at(0.5, 0.5, label=0), explorer.image_at(0.5, 0.5, label=9))
    with pytest.raises(ValueError, match="label must be below 10"):
        latent_explorer(conditional_decoder(2, hidden=(8,)), label=10)


def test_still_grid_spans_the_range(decoder):
    fig = latent_explorer(decoder, span=1.5, n=4, center=(1.0, -1.0)).still()
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((-0.5, 2.5)) and ax.get_xlabel() == "$z_1$"


def test_still_gives_every_decoded_digit_room(decoder):
    for n in (4, 12, 15):
        fig = latent_explorer(decoder, n=n).still()
        assert fig.get_size_inches()[0] / n >= 0.9 - 1e-9, (n, fig.get_size_inches())


def test_image_at_is_the_decoders_output(decoder):
    explorer = latent_explorer(decoder)
    expected = decoder.predict(np.array([[0.3, -0.2]], "float32"), verbose=0).reshape(28, 28)
    assert_close_float32(explorer.image_at(0.3, -0.2), expected, terms=2 + 16)


@pytest.mark.parametrize("kwargs,match", [
    ({"span": 0}, "span"), ({"span": float("nan")}, "span"), ({"n": 1}, "n must"),
    ({"center": (0.0,)}, "center"),
])
def test_bad_arguments(decoder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        latent_explorer(decoder, **kwargs)


def test_refuses_a_16_d_latent_space():
    with pytest.raises(ValueError, match="needs a 2-D latent space; this decoder takes 16-D"):
        latent_explorer(dense_decoder(16, hidden=(8,)))


def test_a_layer_the_page_cannot_run_is_named_at_the_call():
    import keras

    code = keras.Input((2,))
    h = keras.layers.Reshape((7, 7, 1))(keras.layers.Dense(49)(code))
    h = keras.layers.Conv2DTranspose(1, 4, strides=4, padding="same", name="upsample")(h)
    with pytest.raises(ValueError, match=r"cannot export layer 'reshape.*\(Reshape\).*supported: Dense"):
        latent_explorer(keras.Model(code, keras.layers.Flatten()(h)))
