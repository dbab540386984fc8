"""The package's public face: exports, registration of saveable classes, no backend of its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ae_helpers

SRC = Path(ae_helpers.__file__).parent


def test_every_export_exists():
    for name in ae_helpers.__all__:
        assert hasattr(ae_helpers, name), name


def test_saved_vae_loads_after_importing_the_package_alone(tmp_path):
    vae = ae_helpers.dense_vae(2, hidden=(8,))
    path = tmp_path / "vae.keras"
    vae.save(path)
    code = (f"import ae_helpers, keras\nm = keras.saving.load_model({str(path)!r}, safe_mode=True)\n"
            "print(type(m).__name__, m.latent_dim)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["VAE", "2"]


def test_no_module_imports_a_backend_directly():
    backends = {"tensorflow", "torch", "jax"}
    for path in SRC.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                names = set()
            assert not names & backends, f"{path.name} imports {names & backends}"
            assert not (isinstance(node, ast.Attribute) and node.attr == "GradientTape"), path.name
