"""Headless Chromium for the browser tests, driven through chromedriver by selenium.

Debian's ``chromium`` and ``chromium-driver`` packages (``tests/setup_system.sh``
installs them when missing, as it installs the real-kernel tools) and selenium from
PyPI. A test asks for a browser with::

    from tests.browser.chromium import chromium, require_browser

    def test_something():
        require_browser()
        with chromium() as driver:
            driver.get("http://127.0.0.1:PORT/...")
            png = driver.get_screenshot_as_png()

What the browser may do (kept here, so every browser test gets the same rules):

* It runs headless, with a fresh profile in a temporary folder that is deleted when
  the ``with`` block ends, also when the test failed; ``driver.quit()`` ends
  chromedriver and Chromium.
* It talks to this machine's loopback only: no background networking, component or
  sync updates, QUIC, and a host resolver that answers "not found" for every name but
  ``localhost`` and ``127.0.0.1``, so a page that links a web font or a script on the
  internet cannot send anything out.
* The paths are fixed (``/usr/bin/chromium``, ``/usr/bin/chromedriver``), so
  selenium never looks for or downloads a driver.

Without Chromium, chromedriver or selenium the test is skipped with the reason; with
``DOCKERSIM_REQUIRE_BROWSER=1`` (``make test`` sets it in CI) it fails instead, so a CI
job cannot pass by skipping.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "CHROMEDRIVER",
    "CHROMIUM",
    "FLAGS",
    "STRICT_ENV",
    "Screenshots",
    "browser_unavailable_reason",
    "chromium",
    "pixels",
    "require_browser",
    "wait",
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
STRICT_ENV = "DOCKERSIM_REQUIRE_BROWSER"

FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--font-render-hinting=none",
    # Loopback only: every other host name fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)


def browser_unavailable_reason() -> str | None:
    """Why no browser test can run here, or None when they can."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} not found: install Debian's {package} (tests/setup_system.sh does, as root)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[test]'"
    return None


def require_browser() -> None:
    """Skip the calling test unless Chromium can be driven here (fail under DOCKERSIM_REQUIRE_BROWSER=1)."""
    reason = browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get(STRICT_ENV, "").strip() not in ("", "0"):
        pytest.fail(f"{reason} ({STRICT_ENV} is set)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def chromium(width: int = 1400, height: int = 1000, lang: str = "en-US") -> Iterator[Any]:
    """A headless Chromium (a selenium ``WebDriver``) with a fresh profile; always cleaned up.

    ``width`` x ``height`` is the viewport in CSS pixels, at one device pixel per CSS
    pixel (a screenshot of the page has that size); ``lang`` the language the browser
    asks pages for.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    # Selenium's own helper (selenium-manager) is never needed with fixed paths; should
    # it run anyway, it must not go online.
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    profile = tempfile.mkdtemp(prefix="dockersim-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--lang={lang}")
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=os.path.join(profile, "chromedriver.log"))
    driver = None
    try:
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(30)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        yield driver
    finally:
        try:
            if driver is not None:
                driver.quit()
        finally:
            service.stop()
            shutil.rmtree(profile, ignore_errors=True)


def pixels(png: bytes) -> tuple[tuple[int, int], bytes]:
    """A screenshot's size and RGBA pixels, to compare pictures rather than PNG encodings."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
        return rgba.size, rgba.tobytes()


class Screenshots:
    """Where screenshots go when ``DOCKERSIM_SCREENSHOTS`` names a folder (else nowhere)."""

    def __init__(self) -> None:
        folder = os.environ.get("DOCKERSIM_SCREENSHOTS")
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def keep(self, name: str, png: bytes) -> None:
        if self.folder:
            (self.folder / f"{name}.png").write_bytes(png)


def wait(
    driver: Any,
    what: str,
    condition: Callable[[Any], Any],
    timeout_s: float = 30.0,
    describe: Callable[[Any], str] | None = None,
) -> Any:
    """``condition(driver)`` once it is truthy; a test failure naming ``what`` after ``timeout_s``.

    The failure says what ``describe(driver)`` says of the page, and the page's
    screenshot is kept (``failed.png``) when screenshots are.
    """
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout_s, poll_frequency=0.1).until(condition)
    except TimeoutException:
        Screenshots().keep("failed", driver.get_screenshot_as_png())
        state = f"; the page shows:\n{describe(driver)}" if describe else ""
        pytest.fail(f"the browser waited {timeout_s:.0f} s for {what}{state}", pytrace=False)
