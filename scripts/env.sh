# Sourced by book.sh and test.sh: the environment every run of the book shares.
# MNIST: a local copy if the machine has one beside the repository (no network needed),
# otherwise Keras downloads it on first use.
if [ -z "${AE_HELPERS_MNIST:-}" ] && [ -f ../shared/data/mnist.npz ]; then
    AE_HELPERS_MNIST="$(cd ../shared/data && pwd)/mnist.npz"
    export AE_HELPERS_MNIST
fi
export KERAS_BACKEND="${KERAS_BACKEND:-tensorflow}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export PATH="$PWD/.venv/bin:$PATH"
