"""The IWAE, a VAE trained on the k-sample bound, and the one-layer networks it is compared on.

Introduced in chapter 6 (``book/06_likelihood.ipynb``).

The ELBO is only a lower bound on ``log p(x)``. With ``k`` codes ``z_i ~ q(z|x)`` and the *importance
weights* ``w_i = p(x, z_i) / q(z_i|x)``, ``log (1/k) sum_i w_i`` is a tighter bound (Burda, Grosse and
Salakhutdinov 2015) that equals the ELBO for ``k = 1``. :class:`IWAE` trains on it (the log weights
are :func:`~ae_helpers.models.log_weights_from`, with the other loss terms in ``_losses``). Burda et
al.'s network is 784-200-200-50 with tanh units (:func:`burda_encoder`, :func:`burda_decoder`);
:func:`burda_model` builds and compiles it with either objective.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import ops

from .._checks import as_images, check_choice, check_int, checked_already
from ._losses import kl_divergence, log_weights_from, reconstruction_loss
from ._vae import VAE

_EPSILON = 1e-7  # clipping of Bernoulli probabilities, as in Keras's binary cross-entropy


def burda_encoder(
    latent_dim: int = 50, *, hidden: Sequence[int] = (200, 200), input_dim: int = 784,
    name: str = "encoder",
) -> keras.Model:
    """Burda et al.'s one-layer encoder: 784-200-200 (tanh), then the mean and log-variance of ``z``.

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    latent_dim : int
        Size of the latent space (50 in the paper).
    hidden : sequence of int
        Widths of the tanh layers (200, 200 in the paper).
    input_dim : int
        Pixels per (flat) image.
    name : str
        The model's name.

    Examples
    --------
    >>> [tuple(t.shape) for t in burda_encoder().outputs]
    [(None, 50), (None, 50)]
    """
    latent_dim = check_int(latent_dim, "latent_dim")
    inputs = keras.Input((check_int(input_dim, "input_dim"),), name="image")
    h = inputs
    for units in hidden:
        h = keras.layers.Dense(check_int(units, "hidden units"), activation="tanh")(h)
    mean = keras.layers.Dense(latent_dim, name="mean")(h)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(inputs, [mean, log_var], name=name)


def burda_decoder(
    latent_dim: int = 50, *, hidden: Sequence[int] = (200, 200), output_dim: int = 784,
    output_bias: np.ndarray | None = None, name: str = "decoder",
) -> keras.Model:
    """Burda et al.'s one-layer decoder: 50-200-200 (tanh), then 784 Bernoulli probabilities.

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    hidden : sequence of int
        Widths of the tanh layers.
    output_dim : int
        Pixels per (flat) image.
    output_bias : np.ndarray, optional
        Initial biases of the output layer, shape ``(output_dim,)``: the log-odds of the mean
        training image make an untrained decoder draw that mean, which shortens the start of training.
    name : str
        The model's name.

    Notes
    -----
    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Examples
    --------
    >>> burda_decoder().output_shape
    (None, 784)
    >>> decoder = burda_decoder(2, hidden=(4,), output_dim=3, output_bias=np.zeros(3))
    >>> np.round(ops.convert_to_numpy(decoder(np.zeros((1, 2), "float32"))), 2).tolist()
    [[0.5, 0.5, 0.5]]
    """
    latent_dim = check_int(latent_dim, "latent_dim")
    output_dim = check_int(output_dim, "output_dim")
    bias = "zeros"
    if output_bias is not None:
        output_bias = np.asarray(output_bias, dtype="float32")
        if output_bias.shape != (output_dim,):
            raise ValueError(f"output_bias must have shape ({output_dim},), got {output_bias.shape}")
        bias = keras.initializers.Constant(output_bias.tolist())
    inputs = keras.Input((latent_dim,), name="code")
    h = inputs
    for units in hidden:
        h = keras.layers.Dense(check_int(units, "hidden units"), activation="tanh")(h)
    out = keras.layers.Dense(output_dim, activation="sigmoid", bias_initializer=bias,
                             name="pixels")(h)
    return keras.Model(inputs, out, name=name)


def mean_image_logits(x: Any) -> np.ndarray:
    """Log-odds of the mean image, clipped to probabilities in [0.001, 0.999]: an output bias.

    Examples
    --------
    >>> mean_image_logits(np.array([[0.0, 0.5], [1.0, 0.5]])).round(3).tolist()
    [0.0, 0.0]
    """
    p = np.clip(as_images(x, layout="flat").mean(axis=0), 1e-3, 1 - 1e-3).astype(np.float64)
    return np.log(p / (1 - p)).astype(np.float32)


@keras.saving.register_keras_serializable(package="ae_helpers")
class IWAE(VAE):
    """The importance-weighted autoencoder: trains on the ``k``-sample bound instead of the ELBO.

    Same encoder and decoder as a VAE; the loss, averaged over the batch, is
    ``-log (1/k) Σ_i p(x, z_i) / q(z_i|x)`` with ``k`` codes ``z_i`` drawn per image (reparameterised,
    so gradients flow into the encoder). ``k = 1`` is the VAE with a sampled instead of a closed-form
    KL. ``iwae(x)`` returns ``(reconstruction, mean, log_var)`` like :class:`~ae_helpers.models.VAE`, so the
    book's VAE helpers (``posterior``, ``generate``) accept it; it is a :class:`VAE` whose loss is the
    bound (``fit`` still logs the VAE's ``reconstruction`` and ``kl`` for one draw of ``z``).
    Bernoulli pixels: train on binary images (:class:`ae_helpers.training.BinarisedBatches`).

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    encoder : keras.Model
        Images → ``[mean, log_var]``.
    decoder : keras.Model
        Codes → Bernoulli probabilities, the encoder's input shape.
    k : int
        Codes per image in the bound.
    seed : int, optional
        Seed of the codes drawn during training.

    Examples
    --------
    >>> iwae = IWAE(burda_encoder(2, hidden=(8,)), burda_decoder(2, hidden=(8,)), k=5, seed=0)
    >>> x_hat, mean, log_var = iwae(np.zeros((4, 784), "float32"))
    >>> tuple(x_hat.shape), iwae.k, iwae.latent_dim
    ((4, 784), 5, 2)
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, *, k: int = 5,
                 seed: int | None = None, **kwargs: Any) -> None:
        if kwargs.setdefault("reconstruction", "bce") != "bce":  # the bound's p(x|z): Bernoulli
            raise ValueError(f"reconstruction={kwargs['reconstruction']!r}: the IWAE bound uses "
                             "Bernoulli pixels (reconstruction='bce') only; leave it out")
        super().__init__(encoder, decoder, seed=seed, **kwargs)
        self.k = check_int(k, "k")

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None,
                     sample_weight: Any = None, training: bool = True) -> Any:
        x_hat, mean, log_var = y_pred
        images = self._images(x, y)
        eps = keras.random.normal((self.k,) + tuple(ops.shape(mean)), seed=self.sampling.seed_generator)
        with checked_already():  # Bernoulli pixels, k checked when the model was made
            w = log_weights_from(ops.reshape(images, (ops.shape(images)[0], -1)), mean, log_var, eps,
                                 lambda z: self.decoder(z, training=training))
        bound = ops.logsumexp(w, axis=0) - math.log(self.k)
        # The VAE's two terms, for one draw of z, are still logged (reconstruction, kl).
        self.reconstruction_tracker.update_state(reconstruction_loss(images, x_hat, "bce"))
        self.kl_tracker.update_state(kl_divergence(mean, log_var))
        return -ops.mean(bound)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "k": self.k}


def burda_model(objective: str = "vae", *, k: int = 5, latent_dim: int = 50,
                hidden: Sequence[int] = (200, 200), output_bias: np.ndarray | None = None,
                learning_rate: Any = 1e-3, seed: int = 0) -> keras.Model:
    """Build and compile Burda et al.'s one-layer model for the VAE or the IWAE objective (Adam).

    Introduced in chapter 6 (``book/06_likelihood.ipynb``).

    Parameters
    ----------
    objective : {"vae", "iwae"}
        ``"vae"``: :class:`~ae_helpers.models.VAE` (ELBO with the closed-form KL); ``"iwae"``: :class:`IWAE`.
    k : int
        Codes per image of the IWAE (ignored for the VAE).
    latent_dim, hidden, output_bias
        As in :func:`burda_encoder` and :func:`burda_decoder`.
    learning_rate : float or schedule
        Adam's step size.
    seed : int
        Seed of the weights and of the sampling noise.

    Examples
    --------
    >>> type(burda_model("vae")).__name__, type(burda_model("iwae", k=5)).__name__
    ('VAE', 'IWAE')
    """
    check_choice(objective, "objective", ("vae", "iwae"))
    keras.utils.set_random_seed(int(seed))
    encoder = burda_encoder(latent_dim, hidden=hidden)
    decoder = burda_decoder(latent_dim, hidden=tuple(reversed(tuple(hidden))), output_bias=output_bias)
    if objective == "vae":
        model = VAE(encoder, decoder, seed=seed)
    else:
        model = IWAE(encoder, decoder, k=k, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    return model
