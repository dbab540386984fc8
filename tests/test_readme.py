"""The README's "Using the helpers" example runs as printed (on less data, for speed)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_example_runs(mnist_path, isolated_cache, capsys):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Using the helpers in your own code", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "load_mnist(train_size=10_000)" in code and "epochs=5" in code
    code = code.replace("train_size=10_000", "train_size=500").replace("epochs=5", "epochs=1")
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip().endswith("nats")
    plt.close("all")
