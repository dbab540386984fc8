"""nbval settings for the notebooks under book/.

TensorFlow writes log lines to stderr that differ between machines; nbval compares stderr like any
other output, so we tell it not to. Rich HTML/JS reprs are skipped for the same reason.
"""


def pytest_collectstart(collector):
    if getattr(collector, "fspath", None) is not None and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("text/html", "application/javascript", "stderr")
