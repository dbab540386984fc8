"""Models: autoencoder and VAE builders, the VAE and conditional VAE classes, their losses, baselines.

Everything here *builds* or *is* a model; training one lives in :mod:`ae_helpers.training`, using a
trained one in :mod:`ae_helpers.latent` and :mod:`ae_helpers.measure`.

* ``_autoencoder`` — dense encoder N→M, decoder M→N, the two chained (chapter 1).
* ``_vae`` — the :class:`Sampling` layer, the :class:`VAE` with its loss in ``compute_loss``, dense
  and convolutional builders (chapter 4).
* ``_conditional`` — the :class:`ConditionalVAE` and its builders (chapter 5).
* ``_losses`` — KL divergence (closed form and Monte Carlo), reconstruction terms (chapter 4), the
  importance log weights of the k-sample bound (chapter 6).
* ``_iwae`` — the :class:`IWAE` and the 784-200-200-50 networks it is compared on (chapter 6).
* ``_baselines`` — the pixel-independent model and PCA (chapters 0 and 1).
* ``_run`` — calling any model batch by batch with NumPy arrays out.
"""

from ._autoencoder import (
    IMAGE_SHAPE,
    chain,
    decoder_of,
    default_hidden,
    dense_autoencoder,
    dense_decoder,
    dense_encoder,
    encoder_of,
    latent_dim_of,
)
from ._baselines import PCABaseline, PixelModel, fit_pca, fit_pixel_model, uniform_pixels
from ._conditional import (
    N_CLASSES,
    ConditionalVAE,
    conditional_decoder,
    conditional_encoder,
    dense_cvae,
)
from ._iwae import IWAE, burda_decoder, burda_encoder, burda_model, mean_image_logits
from ._losses import (
    LOG_2PI,
    RECONSTRUCTIONS,
    Estimate,
    bce_reconstruction,
    kl_divergence,
    kl_divergence_mc,
    log_weights_from,
    negative_elbo_per_example,
    reconstruction_loss,
    squared_error,
)
from ._run import model_input, model_output, run_model
from ._vae import (
    VAE,
    Sampling,
    conv_vae,
    conv_vae_decoder,
    conv_vae_encoder,
    dense_vae,
    dense_vae_encoder,
)

__all__ = [
    "IWAE",
    "LOG_2PI",
    "burda_decoder",
    "burda_encoder",
    "burda_model",
    "log_weights_from",
    "mean_image_logits",
    "IMAGE_SHAPE",
    "N_CLASSES",
    "RECONSTRUCTIONS",
    "VAE",
    "ConditionalVAE",
    "Estimate",
    "PCABaseline",
    "PixelModel",
    "Sampling",
    "bce_reconstruction",
    "chain",
    "conditional_decoder",
    "conditional_encoder",
    "conv_vae",
    "conv_vae_decoder",
    "conv_vae_encoder",
    "decoder_of",
    "default_hidden",
    "dense_autoencoder",
    "dense_cvae",
    "dense_decoder",
    "dense_encoder",
    "dense_vae",
    "dense_vae_encoder",
    "encoder_of",
    "fit_pca",
    "fit_pixel_model",
    "kl_divergence",
    "kl_divergence_mc",
    "latent_dim_of",
    "model_input",
    "model_output",
    "negative_elbo_per_example",
    "reconstruction_loss",
    "run_model",
    "squared_error",
    "uniform_pixels",
]
