"""Argument checks, in one place: every public helper validates its arguments through these.

The same mistake gets the same exception everywhere: a value of the wrong *type* (``epochs="3"``,
``seed=1.5``) is a :class:`TypeError`, a value of the right type but out of range (``epochs=0``,
images with values above 1) is a :class:`ValueError`. Each message names the argument, the value
and what is expected. This package imports nothing else of ae_helpers.

The checks are grouped by job, one private module each; import them from here:

==============  =====================================================================================
``_scalars``    whole and real numbers, choices, seeds, latent sizes, learning rates, observations
``_convert``    backend tensors (TensorFlow, JAX, PyTorch, any device) to NumPy at the door
``_arrays``     latent codes, points, labels, targets, batches
``_images``     image shapes ((n, h, w), (n, h, w, c) or flat rows) and pixel values in [0, 1]
``_models``     what a Keras model reads and writes; encoders
``_memory``     how much memory a request may take on this machine
``_door``       :func:`checked_already`: a helper that checked its arguments at its entry hands
                them on without a second check (scikit-learn's nested validation skipped)
==============  =====================================================================================
"""

from __future__ import annotations

from ._scalars import (
    OBSERVATIONS,
    check_choice,
    check_int,
    check_latent_dim,
    check_learning_rate,
    check_number,
    check_observation,
    check_optional_int,
    check_seed,
)
from ._convert import to_numpy
from ._door import at_the_door, checked_already
from ._arrays import (
    check_batch,
    check_codes,
    check_labels,
    check_numbers,
    check_point,
    check_targets,
)
from ._images import (
    LAYOUTS,
    as_image_shape,
    as_images,
    check_image_values,
    range_message,
)
from ._models import (
    check_encoder,
    check_fits_model,
    model_input_shape,
    model_output_shape,
    refuse_channels_first,
)
from ._memory import (
    check_memory,
    memory_limit,
)

__all__ = [
    "LAYOUTS",
    "OBSERVATIONS",
    "as_image_shape",
    "as_images",
    "at_the_door",
    "check_batch",
    "check_choice",
    "check_codes",
    "check_encoder",
    "check_fits_model",
    "check_image_values",
    "check_int",
    "check_labels",
    "check_latent_dim",
    "check_learning_rate",
    "check_memory",
    "check_number",
    "check_numbers",
    "check_observation",
    "check_optional_int",
    "check_point",
    "check_seed",
    "check_targets",
    "checked_already",
    "memory_limit",
    "model_input_shape",
    "model_output_shape",
    "range_message",
    "refuse_channels_first",
    "to_numpy",
]
