"""The documentation site in a real browser: Korean pages render on a machine with no Korean font.

The site is built once for the run (``tests/docs_site.py``), served from 127.0.0.1 by a
small HTTP server of the test's own, and a Korean chapter is opened in headless Chromium
(``tests/browser/chromium.py``). The test machine need not have a Korean font (CI has
none); the site brings NanumGothic (``docs/hooks.py``, ``docs/stylesheets/hangul.css``).

* the web font has loaded, and it is the first font of the page's text;
* the Hangul of the page's title is drawn with it: blocking the font's file and loading
  the page again changes the title's pixels (with no Korean font on the machine, what
  remains is empty boxes);
* the chapter's figures are in the page, loaded.

``DOCKERSIM_SCREENSHOTS=DIR`` keeps the screenshots (the Korean page with and without the
font, the English page) in DIR to look at.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import Screenshots, chromium, pixels, require_browser, wait
from tests.docs_site import build_site

KOREAN_PAGE = "ko/chapter/1-structure/"
ENGLISH_PAGE = "en/chapter/1-structure/"
FONT = "NanumGothic"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1 until the block ends; its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="docs-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


FONT_STATE = """
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => {
  const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === arguments[0]);
  const title = document.querySelector('.md-content h1');
  done({
    faces: faces.map(f => [f.weight, f.status]),
    family: getComputedStyle(title).fontFamily,
    title: title.textContent,
  });
});
"""


def open_page(driver: Any, url: str) -> dict[str, Any]:
    """Load a page, wait for its fonts, and return what the browser says of them."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    wait(driver, f"{url} to load", lambda d: d.find_elements(By.CSS_SELECTOR, ".md-content h1"))
    state: dict[str, Any] = driver.execute_async_script(FONT_STATE, FONT)
    return state


def title_pixels(driver: Any, shots: Screenshots, name: str) -> tuple[tuple[int, int], bytes]:
    from selenium.webdriver.common.by import By

    shots.keep(name, driver.get_screenshot_as_png())
    return pixels(driver.find_element(By.CSS_SELECTOR, ".md-content h1").screenshot_as_png)


def test_korean_pages_render_with_the_sites_own_font() -> None:
    require_browser()
    site = build_site()
    if site.returncode != 0:
        pytest.fail(f"the site did not build:\n{site.output}", pytrace=False)
    shots = Screenshots()
    with serve(site.folder) as base, chromium(1280, 1000, lang="ko") as driver:
        from selenium.webdriver.common.by import By

        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})

        state = open_page(driver, f"{base}/{KOREAN_PAGE}")
        assert any(ch >= "\uac00" for ch in state["title"]), f"the Korean page's title has no Hangul: {state['title']}"
        assert ["100 599", "loaded"] in state["faces"], f"{FONT} (regular) did not load: {state['faces']}"
        assert state["family"].split(",")[0].strip().strip('"') == FONT, f"the page's text is in {state['family']}"
        with_font = title_pixels(driver, shots, "docs-ko-with-font")

        figures = driver.execute_script(
            "return [...document.querySelectorAll('.md-content img')]"
            ".map(img => [img.getAttribute('src'), img.complete && img.naturalWidth > 0])"
        )
        assert len(figures) >= 4 and all(ok for _src, ok in figures), f"the chapter's figures: {figures}"
        for image in driver.find_elements(By.CSS_SELECTOR, ".md-content img")[:1]:
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", image)
            shots.keep("docs-ko-figure", driver.get_screenshot_as_png())

        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [f"*/fonts/{FONT}*"]})
        blocked = open_page(driver, f"{base}/{KOREAN_PAGE}")
        assert all(status != "loaded" for _weight, status in blocked["faces"]), "blocking the font's file did not stop it loading"
        without_font = title_pixels(driver, shots, "docs-ko-without-font")
        assert with_font != without_font, "the title's Hangul looks the same without the web font: is it used?"

        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        english = open_page(driver, f"{base}/{ENGLISH_PAGE}")
        shots.keep("docs-en", driver.get_screenshot_as_png())
        assert english["title"].startswith("1. Docker")
