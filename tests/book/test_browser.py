"""Browser check of the built book (issue #7): every page, as a reader's browser shows it.

After the strict build (the ``built_book`` fixture), each HTML page of the site is served over HTTP on
127.0.0.1 and opened in headless Chromium, which must show:

* every ``<img>`` loaded (``complete`` and ``naturalWidth > 0``), with an ``alt`` text that is not a
  file path (myst-nb writes the image's path, ``../_images/….png``, when a figure has no alt text of
  its own: a screen reader would read out the path; see ``alt_is_file_path``);
* every animation working: Matplotlib's JavaScript animations (``div.animation``: the player object
  exists, every frame decodes, the shown frame is loaded and stepping a frame changes it), and any
  ``<video>``, ``<object>``, ``<embed>`` or ``<iframe>`` loaded;
* no request off the site while the page loads (issue #23: the book works offline): any ``http(s)``
  URL on another host that the page asks for (a script, style sheet, font, image from a CDN) is a
  problem, reported as such; links the reader may click are not loaded and are not counted;
* no JavaScript error in the console (SEVERE entries), apart from the browser's own request for
  ``/favicon.ico`` (see ``is_browser_noise``);
* no request to the local server answered with an error status (a missing script, style sheet, ...);
* no reST / MyST markup shown as text (``.. automodule::``, ```` ```{note} ````, ``:func:``) in the
  prose, a sign that a directive was not parsed;
* every internal link (relative href or ``#anchor`` inside the site) pointing to an existing file and,
  for a fragment, to an element with that ``id`` (or ``name``) in the target page.

One PNG screenshot per page goes to ``_build/screenshots/`` for people to look at.

The browser is Debian's ``chromium`` + ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``), driven by ``selenium`` with the driver path given explicitly so that no tool
ever downloads a browser or driver. When they are missing the test installs them with ``apt-get``
(root only); otherwise it skips and says what to install. Chromium resolves every host but 127.0.0.1 to
"not found", so the check gives the same answer with or without network.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = (
    "install Debian's browser and driver (`apt-get install chromium chromium-driver`, giving "
    "/usr/bin/chromium and /usr/bin/chromedriver) and `pip install selenium`"
)
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,900", "--hide-scrollbars",
    # Every host but the loopback server fails at once, as on a machine with no network: the result
    # does not depend on the network, and no page waits on a DNS timeout.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SCREENSHOT_MAX_HEIGHT = 6000  # px; a long chapter is cut here to keep the PNG small
PAGE_SETTLE_S = 8.0  # how long a page may take to load its images and animation frames

# Requests the browser makes on its own, not because a page asked: not a fault of the book.
SERVER_NOISE = {"/favicon.ico"}


# --------------------------------------------------------------------------------------------------
# What counts as a problem (pure functions, unit-tested below without a browser)
# --------------------------------------------------------------------------------------------------

def is_local(url: str, origin: str) -> bool:
    """Whether ``url`` is served by the site under test (same scheme, host and port)."""
    u, o = urlsplit(url), urlsplit(origin)
    return (u.scheme, u.netloc) == (o.scheme, o.netloc)


def failed_load_url(entry: dict) -> str | None:
    """The ``http(s)`` URL of a console entry for a failed load (source ``network``), else None."""
    if entry.get("source") != "network":
        return None
    url = entry.get("message", "").split(" ", 1)[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


def is_browser_noise(entry: dict, origin: str) -> bool:
    """Whether a SEVERE console entry is no fault of the book: the browser's own ``/favicon.ico``.

    Only a failed load (console source ``network``) of the local server's ``/favicon.ico``, which
    Chromium asks for on its own for a page that declares no icon. A failed load of anything else is
    the page's: one of the site's own files that is missing, or a URL off the site, which the book
    must not load at all (issue #23; MathJax is served from ``_static/mathjax`` and the animation
    player's icons are inline). Chromium is told every external host does not exist, so any such
    request fails here and shows up.
    """
    url = failed_load_url(entry)
    return url is not None and is_local(url, origin) and urlsplit(url).path in SERVER_NOISE


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def anchors_of(page: Path) -> frozenset[str]:
    """The fragment targets of an HTML file: element ids and ``<a name>``."""
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def local_file(url: str, root: Path) -> Path | None:
    """The file under ``root`` that a local URL names (``dir/`` means ``dir/index.html``), or None."""
    path = unquote(urlsplit(url).path).lstrip("/")
    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def shown(url: str, origin: str) -> str:
    """A URL as a message shows it: site-absolute for the site's own files, data URIs cut short."""
    if not url:
        return "(no src)"
    if url.startswith("data:"):
        return url[:40] + "..."
    return url.removeprefix(origin) if is_local(url, origin) else url


IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".pdf")


def alt_is_file_path(alt: str | None) -> bool:
    """Whether an image's ``alt`` text is a file path rather than words for a reader.

    A path is what myst-nb and Sphinx write when a figure was given no description: e.g.
    ``../_images/04_vae_12_0.png`` or ``_build/jupyter_execute/x.svg``. Counted as a path: an alt
    text that ends in an image file's suffix (``.png``, ``.svg``, ...), mentions ``_build`` or
    ``_images``, or is a single word (no spaces) with a ``/`` or ``\\`` in it. A description that
    merely contains a slash between words ("rate / distortion", "1/2 of the digits") is not a path,
    and neither is an empty alt (the HTML way to mark an image as decoration).
    """
    text = (alt or "").strip()
    if not text:
        return False
    if text.lower().endswith(IMAGE_SUFFIXES) or "_build" in text or "_images" in text:
        return True
    return not any(ch.isspace() for ch in text) and ("/" in text or "\\" in text)


def link_problems(urls: Iterable[str], origin: str, root: Path) -> list[str]:
    """Broken internal links among the (absolute, browser-resolved) ``urls`` of a page.

    External links (other hosts) and non-web schemes (``mailto:``, ``javascript:``, ``data:``) are not
    checked: there is no network here. An internal link must name an existing file; its fragment, if
    any, must be an ``id`` (or ``<a name>``) in that file when it is an HTML page.
    """
    problems = []
    for url in dict.fromkeys(urls):  # unique, in page order
        if urlsplit(url).scheme not in ("http", "https") or not is_local(url, origin):
            continue
        target = local_file(url, root)
        if target is None:
            problems.append(f"broken link: {shown(url, origin)} (no such file)")
            continue
        fragment = unquote(urlsplit(url).fragment)
        if fragment and target.suffix == ".html" and fragment not in anchors_of(target):
            problems.append(f"broken anchor: {shown(url, origin)} (no id {fragment!r} in {target.relative_to(root)})")
    return problems


def html_pages(root: Path) -> list[Path]:
    """The site's pages: every ``.html`` file except the theme's templates and the copied sources."""
    skip = {"_static", "_sources", "_images"}
    return sorted(p for p in root.rglob("*.html") if not skip & set(p.relative_to(root).parts[:-1]))


# --------------------------------------------------------------------------------------------------
# The local server and the browser
# --------------------------------------------------------------------------------------------------

@dataclass
class Site:
    """A folder served on a free port of 127.0.0.1, with every error answer it gave."""

    root: Path
    origin: str = ""
    errors: list[str] = field(default_factory=list)

    def take_errors(self) -> list[str]:
        taken, self.errors[:] = list(self.errors), []
        return taken


@contextlib.contextmanager
def serve(root: Path) -> Iterator[Site]:
    """Serve ``root`` over HTTP on 127.0.0.1 (loopback only) in a background thread."""
    site = Site(root)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_request(self, code="-", size="-"):
            path = urlsplit(self.path).path
            if str(code).isdigit() and int(code) >= 400 and path not in SERVER_NOISE:
                site.errors.append(f"server answered {code} for {self.path}")

        def log_message(self, *args):  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


_installing: dict[str, object] = {}


def start_installing_chromium() -> None:
    """Run :func:`ensure_chromium` in a thread now (tests/conftest.py calls it when collection ends)."""
    if "thread" not in _installing and not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        def install():
            _installing["reason"] = _install_chromium()
        _installing["thread"] = threading.Thread(target=install, name="chromium-install", daemon=True)
        _installing["thread"].start()


def ensure_chromium() -> str | None:
    """Install Debian's chromium and chromium-driver if missing and possible; say why not otherwise."""
    if "thread" in _installing:  # started in the background: wait for it
        _installing["thread"].join()
        return _installing["reason"]
    return _install_chromium()


def _install_chromium() -> str | None:
    if CHROMIUM.is_file() and CHROMEDRIVER.is_file():
        return None
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"Chromium is not installed and this user cannot apt-get it: {INSTALL_HINT}"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=120"]  # another apt run may hold the lock for a while
    steps = [
        (["apt-get", *lock, "update", "-q"], 300),
        (["apt-get", *lock, "install", "-y", "-q", "--no-install-recommends", "chromium", "chromium-driver"], 600),
    ]
    for cmd, limit in steps:
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, env=env)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(cmd)}` took over {limit} s; {INSTALL_HINT}"
        if run.returncode != 0:
            return f"`{' '.join(cmd)}` failed ({(run.stdout + run.stderr)[-800:]}); {INSTALL_HINT}"
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        return f"apt-get ran but {CHROMIUM} or {CHROMEDRIVER} is still missing; {INSTALL_HINT}"
    return None


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium under Selenium, from the Debian packages (installed here when possible)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip(f"selenium is not installed: {INSTALL_HINT}")
    reason = ensure_chromium()
    if reason:
        pytest.skip(reason)
    profile = tempfile.mkdtemp(prefix="book-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path: Selenium Manager (which could try to download one) never runs.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(PAGE_SETTLE_S + 10)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# Runs in the page: waits (up to a deadline) until images, animation frames and media have settled,
# then reports what it sees. The last argument is Selenium's callback.
PROBE_JS = r"""
const done = arguments[arguments.length - 1];
const deadline = Date.now() + arguments[0] * 1000;
document.querySelectorAll('img[loading="lazy"]').forEach(i => { i.loading = 'eager'; });
document.querySelectorAll('video, audio').forEach(v => {
  if (v.preload === 'none') { v.preload = 'metadata'; v.load(); }
});
function animations() {
  return Array.from(document.querySelectorAll('div.animation')).map((div, k) => {
    const img = div.querySelector('img[id^="_anim_img"]');
    const id = img ? img.id.slice('_anim_img'.length) : null;
    const anim = id === null ? undefined : window['anim' + id];
    const frames = anim && anim.frames ? anim.frames : [];
    return {index: k, created: !!anim, frames: frames.length,
            pending: frames.filter(f => !f.complete).length,
            broken: frames.map((f, i) => (f.complete && f.naturalWidth === 0) ? i : -1).filter(i => i >= 0)};
  });
}
function settled() {
  const imgs = Array.from(document.images).every(i => i.complete);
  const anims = animations().every(a => a.created && a.pending === 0);
  const media = Array.from(document.querySelectorAll('video, audio')).every(v => v.readyState >= 1 || v.error);
  const frames = Array.from(document.querySelectorAll('iframe')).every(f => {
    try { return !f.contentDocument || f.contentDocument.readyState === 'complete'; } catch (e) { return true; }
  });
  return document.readyState === 'complete' && imgs && anims && media && frames;
}
function stepCheck() {  // step every player one frame: the shown picture must follow
  return animations().map(a => {
    if (!a.created || a.frames < 2) return null;
    const div = document.querySelectorAll('div.animation')[a.index];
    const img = div.querySelector('img[id^="_anim_img"]');
    const anim = window['anim' + img.id.slice('_anim_img'.length)];
    anim.set_frame(1);
    const ok = img.src === anim.frames[1].src && img.src !== anim.frames[0].src;
    anim.set_frame(0);
    return ok;
  });
}
function leakedMarkup() {  // reST / MyST source shown as text: a directive that was not parsed
  const main = document.querySelector('article') || document.querySelector('[role="main"]') || document.body;
  if (!main) return [];
  const copy = main.cloneNode(true);  // prose only: code and notebook outputs may show anything
  copy.querySelectorAll('pre, code, kbd, samp, script, style, textarea, .highlight, .output, .cell_output, .math')
      .forEach(e => e.remove());
  copy.querySelectorAll('p, li, dt, dd, div, section, td, th, blockquote, h1, h2, h3, h4, h5, h6')
      .forEach(e => e.prepend('\n'));  // a block starts a line
  const text = copy.textContent;
  const patterns = [
    /(?:^|\s)\.\. [A-Za-z][\w-]*(?::[\w-]+)?::/g,              // .. automodule::, .. py:function::
    /(?:```|:::)\{[\w:-]+\}/g,                                  // ```{note}, :::{figure}
    new RegExp('(?:^|[\\s(]):(?:py:)?(?:func|class|meth|mod|attr|exc|data|obj|ref|doc|numref|eq|term|cite|footcite|'
               + 'download):(?=[\\s,.;:)]|$)', 'g'),                                      // :func:, :py:class:
  ];
  const found = [];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const at = m.index + m[0].search(/\S/);
      found.push(text.slice(at, at + 60).replace(/\s+/g, ' '));
      if (found.length >= 3) return found;
    }
  }
  return found;
}
function report() {
  return {
    url: location.href,
    title: document.title,
    settled: settled(),
    images: Array.from(document.images).map(i => ({
      src: i.currentSrc || i.src || '', alt: i.getAttribute('alt'),
      ok: i.complete && i.naturalWidth > 0, animation: i.id.startsWith('_anim_img')})),
    animations: animations(),
    steps: stepCheck(),
    media: Array.from(document.querySelectorAll('video, audio')).map(v => ({
      tag: v.tagName.toLowerCase(), src: v.currentSrc || v.src || '',
      ok: !v.error && v.readyState >= 1})),
    embeds: Array.from(document.querySelectorAll('iframe[src], object[data], embed[src]')).map(e => (
      {tag: e.tagName.toLowerCase(), abs: e.src || e.data || ''})),
    links: Array.from(document.querySelectorAll('a[href], area[href]'), a => a.href),
    leaked: leakedMarkup(),
    height: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
  };
}
(function poll() {
  if (settled() || Date.now() > deadline) { done(report()); } else { setTimeout(poll, 100); }
})();
"""


@dataclass
class PageResult:
    page: str
    problems: list[str]
    images: int = 0
    animations: int = 0
    links: int = 0


def screenshot(driver, height: int, path: Path) -> None:
    """Save the page from the top, as tall as the page (at most SCREENSHOT_MAX_HEIGHT px)."""
    width = driver.execute_script("return document.documentElement.clientWidth") or 1280
    clip = {"x": 0, "y": 0, "width": width, "height": max(1, min(height, SCREENSHOT_MAX_HEIGHT)), "scale": 1}
    try:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot",
                                      {"format": "png", "captureBeyondViewport": True, "clip": clip})
        path.write_bytes(base64.b64decode(shot["data"]))
    except Exception:  # pragma: no cover - an older driver without CDP: the window is enough
        driver.save_screenshot(str(path))


def check_page(driver, site: Site, page: Path, shots: Path | None) -> PageResult:
    """Open one page and list everything wrong with it."""
    from selenium.common.exceptions import WebDriverException

    rel = page.relative_to(site.root).as_posix()
    driver.get_log("browser")  # drop anything left over from the previous page
    site.take_errors()
    driver.get(f"{site.origin}/{rel}")
    for attempt in range(3):
        try:
            seen = driver.execute_async_script(PROBE_JS, PAGE_SETTLE_S)
            break
        except WebDriverException:  # a redirect (index.html's meta refresh) unloaded the page under the probe
            if attempt == 2:
                raise
            time.sleep(0.3)
    time.sleep(0.05)  # let late console messages (e.g. an error thrown in a timer) arrive
    problems = []
    if not seen["settled"]:
        problems.append(f"page still loading after {PAGE_SETTLE_S} s")
    for img in seen["images"]:
        if not img["ok"] and (img["src"].startswith("data:") or is_local(img["src"], site.origin)):
            what = "animation frame holder" if img["animation"] else "image"
            problems.append(f"{what} not loaded: {shown(img['src'], site.origin)}")
        if alt_is_file_path(img.get("alt")):
            problems.append(f"image alt text is a file path: {img['alt']!r} "
                            f"(describe the figure: {shown(img['src'], site.origin)})")
    for anim, step in zip(seen["animations"], seen["steps"]):
        label = f"animation #{anim['index'] + 1}"
        if not anim["created"]:
            problems.append(f"{label}: the player was never created (a JavaScript error?)")
        elif anim["frames"] == 0:
            problems.append(f"{label}: no frames")
        elif anim["broken"] or anim["pending"]:
            problems.append(f"{label}: frames not loaded: broken {anim['broken'][:10]}, pending {anim['pending']}")
        elif step is False:
            problems.append(f"{label}: stepping a frame does not change the picture")
    for media in seen["media"]:
        if not media["ok"] and (media["src"].startswith(("data:", "blob:")) or is_local(media["src"], site.origin)):
            problems.append(f"<{media['tag']}> not loaded: {shown(media['src'], site.origin)}")
    embedded = [e["abs"] for e in seen["embeds"]]
    problems += [p.replace("broken link", "broken embed") for p in link_problems(embedded, site.origin, site.root)]
    problems += link_problems(seen["links"], site.origin, site.root)
    problems += [f"unrendered markup shown as text: {text!r}" for text in seen["leaked"]]
    for entry in driver.get_log("browser"):
        if entry.get("level") != "SEVERE" or is_browser_noise(entry, site.origin):
            continue
        url = failed_load_url(entry)
        if url is not None and not is_local(url, site.origin):
            problems.append(f"request off the site at load: {url} (the book must work offline)")
        else:
            problems.append(f"console {entry.get('source', '?')} error: {entry['message'][:300]}")
    problems += site.take_errors()
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        screenshot(driver, seen["height"], shots / (rel.removesuffix(".html").replace("/", "__") + ".png"))
    return PageResult(rel, list(dict.fromkeys(problems)), len(seen["images"]), len(seen["animations"]),
                      len(set(seen["links"])))


def check_site(driver, root: Path, shots: Path | None = None) -> list[PageResult]:
    """Check every page of the HTML folder ``root``, served on loopback."""
    with serve(root) as site:
        return [check_page(driver, site, page, shots) for page in html_pages(root)]


def _summary(results: list[PageResult]) -> str:
    return "\n".join(f"{r.page}: {len(r.problems)} problem(s), {r.images} images, {r.animations} animations, "
                     f"{r.links} links" + "".join(f"\n    - {p}" for p in r.problems) for r in results)


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------

# A 2x2 PNG, to stand in for a figure.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg=="
)


def _tiny_site(root: Path) -> Path:
    """A small site with one of each fault the check must catch, and things it must accept."""
    (root / "sub").mkdir(parents=True)
    (root / "ok.png").write_bytes(PNG)
    (root / "index.html").write_text(
        '<html><head><title>index</title>'
        # An external style sheet: the page asks for it at load, a request off the site (issue #23).
        '<link rel="stylesheet" href="https://fonts.example.org/font.css"></head><body>'
        '<h1 id="top-title">Index</h1>'
        '<img src="ok.png" alt="fine"> <img src="missing.png" alt="broken">'
        # A figure with no description of its own: myst-nb writes its path as the alt text.
        '<img src="ok.png" alt="../_images/ok.png">'
        # Descriptions with slashes between words are words, not paths; an empty alt is decoration.
        '<img src="ok.png" alt="Rate / distortion for 1/2 of the digits"> <img src="ok.png" alt="">'
        '<a href="sub/page.html#there">good anchor</a> <a href="#top-title">good local anchor</a>'
        '<a href="nowhere.html">broken link</a> <a href="sub/page.html#nosuch">broken anchor</a>'
        '<a href="sub/">folder index</a> <a href="https://example.org/">external</a>'
        '<a href="mailto:a@example.org">mail</a>'
        '</body></html>'
    )
    (root / "sub" / "index.html").write_text("<html><body><p>folder</p></body></html>")
    (root / "sub" / "page.html").write_text(
        '<html><body><article><h2 id="there">There</h2><a href="../index.html">back</a>'
        # An automodule that was parsed as Markdown: its reST shows as text (but code may show anything).
        '<p>.. py:module:: pkg.data</p><p>Loads with :func:<code>load</code>. Wait... then</p>'
        '<pre>.. code-block:: python</pre><p><code>```{note}</code></p></article>'
        '<script src="../missing.js"></script>'
        '<script>setTimeout(function () { throw new Error("boom from the page"); }, 0);</script>'
        '</body></html>'
    )
    return root


def _animation_html(broken: bool) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(1, 1), dpi=30)
    dot = ax.plot([0], [0], "o")[0]
    anim = FuncAnimation(fig, lambda i: dot.set_data([i], [i]), frames=3)
    # The book's player: Matplotlib's, less its link to Font Awesome on a CDN (a request off the site).
    from ae_helpers.viz import to_html

    html = to_html(anim)
    plt.close(fig)
    if broken:  # corrupt the second frame's PNG
        head = 'frames[1] = "data:image/png;base64,'
        html = html.replace(head, head + "AAAA", 1)
    return f"<html><body>{html}</body></html>"


def test_link_checker_reports_broken_links_and_anchors(tmp_path):
    root = _tiny_site(tmp_path)
    origin = "http://127.0.0.1:8000"
    base = f"{origin}/index.html"
    urls = [f"{origin}/{u}" for u in ("sub/page.html#there", "index.html#top-title", "nowhere.html",
                                      "sub/page.html#nosuch", "sub/", "ok.png", "missing.png")]
    urls += ["https://example.org/", "mailto:a@example.org", "javascript:void(0)", f"{base}#"]
    problems = link_problems(urls, origin, root)
    assert problems == [
        "broken link: /nowhere.html (no such file)",
        "broken anchor: /sub/page.html#nosuch (no id 'nosuch' in sub/page.html)",
        "broken link: /missing.png (no such file)",
    ]
    assert link_problems([f"{origin}/../../etc/passwd"], origin, root)  # never outside the site


def test_browser_noise_is_only_the_favicon():
    """Failed loads of external URLs (the CDNs the book once used) are the page's fault, not noise."""
    origin = "http://127.0.0.1:8000"
    failed = " - Failed to load resource: "
    mathjax = {"source": "network", "level": "SEVERE",
               "message": f"https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js{failed}net::ERR_NAME_NOT_RESOLVED"}
    font_awesome = {**mathjax, "message": "https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/"
                                          f"font-awesome.min.css{failed}net::ERR_NAME_NOT_RESOLVED"}
    local = {**mathjax, "message": f"{origin}/_static/x.js{failed}the server responded with a status of 404"}
    script = {"source": "javascript", "level": "SEVERE",
              "message": "https://cdn.example.org/x.js 1:1 Uncaught ReferenceError: x is not defined"}
    favicon = {**local, "message": f"{origin}/favicon.ico - Failed to load resource: 404"}
    for entry in (mathjax, font_awesome, local, script):
        assert not is_browser_noise(entry, origin), entry["message"]
    assert is_browser_noise(favicon, origin)
    assert not is_browser_noise({**favicon, "message": "https://example.org/favicon.ico" + failed}, origin)
    assert failed_load_url(mathjax).startswith("https://cdn.jsdelivr.net/") and failed_load_url(script) is None


@pytest.mark.parametrize("alt", [
    "../_images/04_vae_12_0.png", "_images/x.svg", "/work/book/_build/jupyter_execute/a.png",
    "figure.PNG", "images\\readme.png", "book/images/readme", "../_build/html/_images/f.jpeg",
    "a picture saved as latent.png",
])
def test_alt_text_that_is_a_file_path_is_caught(alt):
    assert alt_is_file_path(alt)


@pytest.mark.parametrize("alt", [
    None, "", "   ", "logo", "Line plot of the training loss falling over the epochs.",
    "Rate / distortion trade-off for beta from 0.1 to 10", "1/2 of the digits are 1s",
])
def test_alt_text_that_describes_the_figure_passes(alt):
    assert not alt_is_file_path(alt)


def test_html_pages_skip_theme_templates(tmp_path):
    for rel in ("index.html", "book/a.html", "_static/webpack-macros.html", "_sources/x.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>")
    assert [p.relative_to(tmp_path).as_posix() for p in html_pages(tmp_path)] == ["book/a.html", "index.html"]


@pytest.mark.slow
def test_browser_check_catches_faults(browser, tmp_path):
    """The same check, on a tiny site with known faults: each must be reported, nothing else."""
    root = _tiny_site(tmp_path / "site")
    (root / "anim_ok.html").write_text(_animation_html(broken=False))
    (root / "anim_broken.html").write_text(_animation_html(broken=True))
    results = {r.page: r for r in check_site(browser, root, tmp_path / "shots")}
    assert set(results) == {"index.html", "sub/index.html", "sub/page.html", "anim_ok.html", "anim_broken.html"}
    index = "\n".join(results["index.html"].problems)
    assert "image not loaded: /missing.png" in index, index
    assert "broken link: /nowhere.html" in index, index
    assert "broken anchor: /sub/page.html#nosuch" in index, index
    assert "image alt text is a file path: '../_images/ok.png'" in index, index
    # The page's own request for an external style sheet, named as such (issue #23).
    assert "request off the site at load: https://fonts.example.org/font.css" in index, index
    # + the 404 for missing.png, seen by the console and by the server; nothing else
    assert len(results["index.html"].problems) == 7, index
    page = "\n".join(results["sub/page.html"].problems)
    assert "boom from the page" in page, page
    assert "server answered 404 for /missing.js" in page, page
    assert "unrendered markup shown as text: '.. py:module:: pkg.data" in page, page
    assert "unrendered markup shown as text: ':func:" in page, page
    assert "code-block" not in page and "{note}" not in page, page  # code may show markup
    assert len(results["sub/page.html"].problems) == 5, page  # 404 in console and server, error, 2 leaks
    assert results["sub/index.html"].problems == []
    assert results["anim_ok.html"].animations == 1 and results["anim_ok.html"].problems == []
    broken = "\n".join(results["anim_broken.html"].problems)
    assert "animation #1: frames not loaded: broken [1]" in broken, broken
    assert len(results["anim_broken.html"].problems) == 1, broken
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == [
        "anim_broken.png", "anim_ok.png", "index.png", "sub__index.png", "sub__page.png"]


@pytest.mark.slow
def test_every_page_of_the_book_in_chromium(browser, built_book):
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    start = time.perf_counter()
    results = check_site(browser, built_book, SCREENSHOTS)
    seconds = time.perf_counter() - start
    pages = [r.page for r in results]
    assert "book/intro.html" in pages and "index.html" in pages, pages
    summary = _summary(results)
    print(f"\nbrowser check: {len(results)} pages in {seconds:.1f} s, screenshots in {SCREENSHOTS}\n{summary}")
    assert not any(r.problems for r in results), f"problems in the built book:\n{summary}"
    assert len(list(SCREENSHOTS.glob("*.png"))) == len(results)
