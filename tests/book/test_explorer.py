"""The live latent explorer in the built book (issue #23): the chapters' decoders, run by the page.

On the strict build's pages (``built_book``, quick mode) for chapters 3, 4 and 5, headless Chromium
moves the pointer with real pointer events (Selenium's ActionChains) to points of each explorer's
map, reads the decoded canvas's pixels, and compares them with the *Keras* decoder the chapter
trained, loaded from the model cache by the chapter's own recipe (the build put it there): at most
2/255 apart on every pixel. The page reports the exact point it decoded (``data-z1``, ``data-z2``
on the digit canvas). Every resource the page loads must be local (the loopback server or
``data:``), with no exception: MathJax is served from the site's ``_static/mathjax``
(``sphinx-mathjax-offline``) and Matplotlib's animation player draws its icons with an inline style
(``ae_helpers.viz.to_html``); no request at all is made while exploring; the page also works opened
from ``file://``.
Screenshots of each explorer go to ``_build/screenshots/explorer/``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

from .test_browser import browser, serve  # noqa: F401 - the fixture, reused

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "_build" / "screenshots" / "explorer"
MAX_BYTES = 1_000_000  # what the explorer may add to a page
TOLERANCE = 2 / 255


def _parameters(chapter: str) -> dict:
    """Run a chapter's parameters cell (the one with ``QUICK = quick_mode()``) and return its names."""
    cells = json.loads((ROOT / "book" / f"{chapter}.ipynb").read_text())["cells"]
    source = next("".join(c["source"]) for c in cells
                  if c["cell_type"] == "code" and "QUICK = quick_mode()" in "".join(c["source"]))
    names: dict = {}
    exec("from ae_helpers import quick_mode, training\n" + source, names)
    return names


def _keras_decoders(chapter: str) -> list:
    """The Keras decoders the chapter's explorer shows, panel by panel, from the model cache."""
    from ae_helpers import models, training

    if chapter == "03_latent_holes":
        return [models.decoder_of(training.trained(training.preset("chapter2-autoencoder")).model)]
    if chapter == "04_vae":
        vae = training.trained(training.preset("chapter4-vae")).model
        ae = training.trained(training.preset("chapter2-autoencoder")).model
        return [vae.decoder, models.decoder_of(ae)]
    budget = _parameters(chapter)["BUDGET"]
    return [training.trained_cvae(2, **budget).model.decoder]


PANELS = {"03_latent_holes": 1, "04_vae": 2, "05_beyond": 1}

READ_JS = """
const [panel] = arguments;
const digit = panel.querySelector('.aex-digit');
const g = digit.getContext('2d');
const px = g.getImageData(0, 0, digit.width, digit.height).data;
const red = []; for (let i = 0; i < px.length; i += 4) red.push(px[i]);
return {z1: Number(digit.dataset.z1), z2: Number(digit.dataset.z2), decodes: Number(digit.dataset.decodes),
        label: digit.dataset.label === undefined ? null : Number(digit.dataset.label), red: red,
        status: panel.querySelector('.aex-status').textContent, w: digit.width, h: digit.height};
"""


# WCAG contrast ratios of the explorer's text (status line, legend, axis colour) on the page's
# background: the first opaque background above the explorer.
CONTRAST_JS = """
const root = document.querySelector('.ae-explorer');
function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3); }
function lum(c) { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                  return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
let el = root, bg = null;
while (el && !(bg = rgb(getComputedStyle(el).backgroundColor))) el = el.parentElement;
bg = bg || [255, 255, 255];
const texts = [root.querySelector('.aex-status'), root.querySelector('.aex-legend') || root, root];
return texts.map(t => { const a = lum(rgb(getComputedStyle(t).color)), b = lum(bg);
                        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); });
"""


def _wait(driver, script: str, timeout: float = 20.0):
    end = time.time() + timeout
    while time.time() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def _explore(driver, page_url: str, n_panels: int, rng: np.random.Generator) -> dict:
    """Open a page, drive every explorer panel with the pointer; return what the page decoded."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(page_url)
    _wait(driver, "const r = document.querySelector('.ae-explorer'); return r && r.dataset.ready === '1';")
    root = driver.find_element(By.CSS_SELECTOR, ".ae-explorer")
    size = driver.execute_script("return new TextEncoder().encode(arguments[0].outerHTML).length;", root)
    resources_before = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    panels = root.find_elements(By.CSS_SELECTOR, ".aex-panel")
    assert len(panels) == n_panels
    seen = []
    for index, panel in enumerate(panels):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", panel)
        canvas = panel.find_element(By.CSS_SELECTOR, ".aex-map")
        rect = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];",
                                     canvas)
        buttons = panel.find_elements(By.CSS_SELECTOR, ".aex-label")
        points = []
        for k in range(6):
            if buttons:  # a conditional decoder: ask for a digit first
                buttons[int(rng.integers(len(buttons)))].click()
            before = driver.execute_script(READ_JS, panel)["decodes"]
            # a point inside the plot (the map's margins: 38 px left, 30 below, 8 right and above)
            x = 38 + rng.uniform(0.05, 0.95) * (rect[0] - 46)
            y = 8 + rng.uniform(0.05, 0.95) * (rect[1] - 38)
            ActionChains(driver).move_to_element_with_offset(
                canvas, int(x - rect[0] / 2), int(y - rect[1] / 2)).click().perform()
            got = driver.execute_script(READ_JS, panel)
            assert got["decodes"] > before, f"panel {index}: the pointer did not decode a new point"
            # ... and the point decoded is the one under the pointer (within a pixel or two)
            low1, high1, low2, high2 = map(float, canvas.get_attribute("data-box").split(","))
            aim = (low1 + (x - 38) / (rect[0] - 46) * (high1 - low1),
                   high2 - (y - 8) / (rect[1] - 38) * (high2 - low2))
            assert abs(got["z1"] - aim[0]) <= 2 * (high1 - low1) / (rect[0] - 46), (got["z1"], aim)
            assert abs(got["z2"] - aim[1]) <= 2 * (high2 - low2) / (rect[1] - 38), (got["z2"], aim)
            points.append(got)
        # the keyboard moves the point too (the map has focus after the click)
        canvas.send_keys(Keys.ARROW_RIGHT)
        moved = driver.execute_script(READ_JS, panel)
        assert moved["z1"] > points[-1]["z1"] and moved["z2"] == points[-1]["z2"], (moved, points[-1])
        assert "z = (" in moved["status"] and "shown" in moved["status"], moved["status"]
        points.append(moved)
        seen.append(points)
    resources_after = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    return {"bytes": size, "panels": seen, "resources": resources_before, "new": resources_after[len(resources_before):],
            "root": root}


def _compare(decoder, points: list[dict]) -> float:
    from ae_helpers import models

    z = np.array([[p["z1"], p["z2"]] for p in points], dtype="float32")
    inputs = z
    if len(decoder.inputs) == 2:
        n_classes = int(decoder.inputs[1].shape[-1])
        inputs = [z, np.eye(n_classes, dtype="float32")[[p["label"] for p in points]]]
    expected = np.asarray(models.run_model(decoder, inputs)[0], dtype=np.float64).reshape(len(z), -1)
    shown = 1.0 - np.array([p["red"] for p in points], dtype=np.float64) / 255  # dark ink on white
    return float(np.abs(shown - np.clip(expected, 0, 1)).max())


@pytest.mark.slow
def test_explorer_decodes_in_the_browser(browser, built_book):
    rng = np.random.default_rng(23)
    report = []
    from selenium.webdriver.common.by import By

    with serve(built_book) as site:
        for chapter, n_panels in PANELS.items():
            url = f"{site.origin}/book/{chapter}.html"
            seen = _explore(browser, url, n_panels, rng)
            for name in seen["resources"] + seen["new"]:
                local = urlsplit(name).netloc == urlsplit(site.origin).netloc or name.startswith("data:")
                assert local, f"{chapter}: a request off the page: {name}"
            assert not seen["new"], f"{chapter}: exploring made requests: {seen['new']}"
            assert seen["bytes"] <= MAX_BYTES, f"{chapter}: the explorer adds {seen['bytes']} bytes"
            errors = [_compare(decoder, points)
                      for decoder, points in zip(_keras_decoders(chapter), seen["panels"])]
            report.append(f"{chapter}: {seen['bytes']:,} bytes, {sum(map(len, seen['panels']))} points, "
                          f"max pixel error {max(errors) * 255:.2f}/255")
            assert max(errors) <= TOLERANCE, report[-1]
            SHOTS.mkdir(parents=True, exist_ok=True)
            for mode in ("light", "dark"):  # the theme's own switch: its choice, kept in localStorage
                browser.execute_script(f"localStorage.setItem('mode', '{mode}');"
                                       f" localStorage.setItem('theme', '{mode}');")
                browser.get(url)
                _wait(browser, "const r = document.querySelector('.ae-explorer');"
                               " return r && r.dataset.ready === '1';")
                time.sleep(0.5)  # the theme fades its colours in
                assert browser.execute_script("return document.documentElement.dataset.theme;") == mode
                contrast = browser.execute_script(CONTRAST_JS)
                assert min(contrast) >= 4.5, f"{chapter}, {mode} mode: text contrast {contrast}"
                root = browser.find_element(By.CSS_SELECTOR, ".ae-explorer")
                browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", root)
                root.screenshot(str(SHOTS / f"{chapter}_{mode}.png"))
            browser.execute_script("localStorage.clear();")
            site.take_errors()
        # from the file system, with no server at all: the same page loads and decodes
        browser.get((built_book / "book" / "04_vae.html").resolve().as_uri())
        _wait(browser, "const r = document.querySelector('.ae-explorer'); return r && r.dataset.ready === '1';")
        assert _wait(browser, "return document.querySelectorAll('.aex-digit[data-decodes]').length;") == 2
    print("\n" + "\n".join(report))
