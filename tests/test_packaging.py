"""Packaging, Binder and book configuration agree with each other."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# Binder runs Linux on x86_64: evaluate pyproject's markers there, whatever machine runs the test.
BINDER = {**default_environment(), "sys_platform": "linux", "platform_machine": "x86_64"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pyproject_requirements() -> list[Requirement]:
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    reqs = [Requirement(r) for r in project["dependencies"] + extras["book"] + extras["test"]]
    return [r for r in reqs if r.marker is None or r.marker.evaluate(BINDER)]


def _environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for line in pip:
        name, _, version = line.partition("==")
        assert version, f"environment.yml must pin exactly: {line!r}"
        pins[canonicalize_name(name)] = version
    return pins


def test_environment_and_pyproject_name_the_same_packages():
    wanted = {canonicalize_name(r.name) for r in _pyproject_requirements()}
    assert set(_environment_pins()) == wanted


def test_every_binder_pin_satisfies_pyproject():
    pins = _environment_pins()
    for req in _pyproject_requirements():
        version = pins[canonicalize_name(req.name)]
        assert req.specifier.contains(version, prereleases=True), f"{req.name}=={version} vs {req}"


def test_environment_pins_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_jupyter_book_is_pinned_below_2():
    book = [Requirement(r) for r in _pyproject()["project"]["optional-dependencies"]["book"]]
    jb = next(r for r in book if r.name == "jupyter-book")
    assert jb.specifier.contains("1.0.4") and not jb.specifier.contains("2.0.0")


def test_postbuild_is_executable_bash_that_stops_on_errors():
    post = ROOT / "postBuild"
    text = post.read_text()
    assert post.stat().st_mode & stat.S_IXUSR
    assert text.startswith("#!/bin/bash") and "\nset -e\n" in text
    assert "pip install" in text and "mnist.load_data()" in text
    # Every model the chapters load is trained into the image: by running every chapter once.
    assert "scripts/execute_chapters.py" in text and "--jobs 1" in text


def test_config_is_strict_and_quiet():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["only_build_toc_files"] is True
    for folder in ("src", "tests", ".venv", "README.md", ".github", "_build"):
        assert folder in config["exclude_patterns"]
    execute = config["execute"]
    assert execute["execute_notebooks"] == "cache" and execute["timeout"] >= 300
    assert execute["raise_on_error"] is True and execute["stderr_output"] == "remove"
    assert config["launch_buttons"]["binderhub_url"] and config["launch_buttons"]["colab_url"]
    assert config["repository"]["url"].startswith("https://")


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    files += [c["file"] for c in toc.get("chapters", [])]
    return files


def test_toc_lists_every_chapter_and_only_existing_files():
    listed = _toc_files()
    for name in listed:
        assert (ROOT / f"{name}.md").exists() or (ROOT / f"{name}.ipynb").exists(), name
    chapters = sorted(p.with_suffix("").relative_to(ROOT).as_posix() for p in ROOT.glob("book/*.ipynb"))
    assert sorted(n for n in listed if (ROOT / f"{n}.ipynb").exists()) == chapters


def test_chapter_files_are_named_nn_slug():
    for path in (ROOT / "book").glob("*.ipynb"):
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in readme and "bash scripts/book.sh" in readme
    assert "bash scripts/test.sh" in ci


@pytest.mark.slow
def test_a_plain_install_from_the_repository_is_importable(tmp_path):
    wheel_dir, target = tmp_path / "wheel", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheel_dir), str(ROOT)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("ae_helpers-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    package = ROOT / "src" / "ae_helpers"
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    assert any("/" in m for m in modules), "the package's subpackages were not found"
    assert {f"ae_helpers/{m}" for m in modules} <= set(names)
    assert not [n for n in names if n.startswith(("tests/", "book/"))]
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", "import ae_helpers; print(ae_helpers.__file__)"],
                         cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    assert out.stdout.strip().startswith(str(target))


def test_the_book_build_hashes_every_helper_module_subpackages_included():
    # scripts/book.sh clears Jupyter Book's execution cache when a helper changes; a module it does
    # not hash would leave stale pages.
    listed = subprocess.run(["bash", "scripts/book.sh", "--list-helper-sources"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.split()
    package = ROOT / "src" / "ae_helpers"
    expected = sorted(p.relative_to(ROOT).as_posix() for p in package.rglob("*.py")
                      if "__pycache__" not in p.parts)
    assert sorted(listed) == expected
    assert any(p.count("/") > 2 for p in listed), "no module of a subpackage was listed"

