"""The package's public face: exports, registration of saveable classes, no backend of its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ae_helpers

SRC = Path(ae_helpers.__file__).parent
MODULES = sorted(SRC.rglob("*.py"))
ROLES = ("models", "training", "latent", "measure", "viz")

# The names the README and other work import from the package root.
ROOT_NAMES = ("load_mnist set_seed quick_mode train dense_autoencoder dense_vae VAE Sampling "
              "ConditionalVAE encode decode interpolate latent_grid image_grid negative_elbo "
              "generation_report load_judge load_or_train trained_autoencoder trained_vae "
              "trained_cvae").split()


def _imports(path: Path) -> list[ast.ImportFrom]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ImportFrom)]


def _package_imports(path: Path) -> set[str]:
    """The package modules ``path`` imports, as dotted names relative to ae_helpers."""
    here = path.relative_to(SRC).with_suffix("").parts
    out = set()
    for node in _imports(path):
        if node.level == 0:
            if (node.module or "").startswith("ae_helpers"):
                out.add((node.module or "").removeprefix("ae_helpers").lstrip("."))
            continue
        base = list(here[: len(here) - node.level])
        if path.name == "__init__.py":
            base = list(here[: len(here) - node.level + 1])[:-1] if node.level > 1 else list(here[:-1])
        out.add(".".join(base + ([node.module] if node.module else [])))
    return out


def test_the_walk_sees_the_subpackages():
    # The checks below walk every module; they would pass vacuously if they missed a subpackage.
    found = {p.relative_to(SRC).parts[0] for p in MODULES if len(p.relative_to(SRC).parts) > 1}
    assert set(ROLES) <= found


def test_the_root_exports_what_the_readme_uses():
    for name in ROOT_NAMES:
        assert name in ae_helpers.__all__ and hasattr(ae_helpers, name), name


def test_each_role_subpackage_has_a_facade_with_all():
    import importlib

    for role in ROLES:
        module = importlib.import_module(f"ae_helpers.{role}")
        assert module.__all__ and all(hasattr(module, n) for n in module.__all__), role
        assert module.__doc__, role


def test_no_module_imports_a_private_name_from_another():
    for path in MODULES:
        for node in _imports(path):
            private = [a.name for a in node.names
                       if a.name.startswith("_") and not a.name.startswith("__")]
            assert not private, f"{path.relative_to(SRC)} imports {private} from {node.module}"


def test_data_and_checks_import_nothing_else_of_the_package():
    checks = sorted((SRC / "_checks").glob("*.py"))
    assert len(checks) >= 5  # the checks are a package by job
    for path in [SRC / "data.py", *checks]:
        outside = {m for m in _package_imports(path) if not m.startswith("_checks")}
        assert outside == set(), path.relative_to(SRC)


def test_a_figure_never_trains_or_loads_a_model():
    for path in (SRC / "viz").glob("*.py"):
        imported = _package_imports(path)
        assert not any(m.startswith("training") for m in imported), f"{path.name}: {imported}"


def test_one_image_rows_and_one_name_for_the_latent_size():
    defined: dict[str, list[str]] = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.col_offset == 0:
                defined.setdefault(node.name, []).append(str(path.relative_to(SRC)))
    assert len(defined["image_rows"]) == 1, defined["image_rows"]
    assert "latent_size" not in defined and len(defined["latent_dim_of"]) == 1
    public = {n: where for n, where in defined.items() if not n.startswith("_") and len(where) > 1}
    assert not public, f"public functions defined twice: {public}"


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
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                names = set()
            assert not names & backends, f"{path.relative_to(SRC)} imports {names & backends}"
            assert not (isinstance(node, ast.Attribute) and node.attr == "GradientTape"), path.name


def test_every_ae_helpers_import_outside_the_package_resolves():
    # Binder's postBuild, the scripts and the benchmarks import helpers by path; a moved helper must
    # not leave them pointing at a module that no longer exists.
    import importlib
    import re

    root = SRC.parents[1]
    files = [root / "postBuild", *root.glob("scripts/*.py"), *root.glob("benchmarks/*.py")]
    pattern = re.compile(r"from (ae_helpers(?:\.\w+)*) import (\([^)]*\)|[^\n;#]*)")
    checked = 0
    for path in files:
        for module, names in pattern.findall(path.read_text()):
            imported = importlib.import_module(module)
            for name in (n.strip() for n in names.strip("()").replace("\n", " ").split(",")):
                if name:
                    assert hasattr(imported, name), f"{path.name}: {module}.{name}"
                    checked += 1
    assert checked > 5
