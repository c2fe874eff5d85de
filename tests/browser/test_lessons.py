"""A lesson as a class meets it: JupyterLab in a real browser, Run All, then the player.

The test starts a JupyterLab of its own (``tests/browser/jupyterlab.py``) on the
lesson notebooks and drives headless Chromium (``tests/browser/chromium.py``) as a
teacher would: open the lesson, *Run > Run All Cells*, wait for the kernel. Then:

* the Korean text is drawn with the lessons' own Korean font (``tools/lessons.py``),
  which has loaded;
* every view cell (a cell whose value is ``viz.topology(...)``, ``viz.path(...)``, ...)
  shows a picture that the browser has loaded, and no cell shows ``<Figure ...>``,
  ``Result(...)`` or a traceback instead;
* the step-through player (``viz.player``): step forward three times, then back once,
  by clicking its buttons. The screenshot of its picture changes at each step, and the
  step back shows exactly, pixel for pixel, the picture before.

The player is found by the classes it declares for this (ipywidgets ``add_class``):
``dockersim-player`` (its box), ``dockersim-step-forward``, ``dockersim-step-back``
(buttons), ``dockersim-player-picture`` (its ``<img>``, or the element holding it) and
``dockersim-player-panel`` (the caption and PDU panel).

Budget: the whole test, from starting the server to shutting it down, in at most 90 s.
``DOCKERSIM_SCREENSHOTS=DIR`` keeps the screenshots (the lesson after Run All, each view
cell, each player step) in DIR to look at.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import Screenshots, chromium, pixels, require_browser
from tests.browser.chromium import wait as wait_for
from tests.browser.jupyterlab import JupyterLab, jupyterlab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LESSON = "ko/1-structure.ipynb"  # the first lesson, in Korean: its views and its player
BUDGET_S = 90.0
RUN_TIMEOUT_S = 60.0
VIEW = re.compile(r"^viz\.(\w+)\(")
NOT_A_PICTURE = ("<Figure size", "Result(exit_code", "Traceback (most recent call last)")

PLAYER = ".dockersim-player"
# The picture: an <img> inside the element of that class, or that element itself (an
# ipywidgets.Image is drawn as an <img> that carries the widget's classes).
PICTURE = "img.dockersim-player-picture, .dockersim-player-picture img"
FORWARD = ".dockersim-step-forward"
BACK = ".dockersim-step-back"
PANEL = ".dockersim-player-panel"


def view_cells(path: Path) -> dict[int, str]:
    """{index among the notebook's cells: view name} for cells whose value is a view."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    views = {}
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        lines = [line for line in "".join(cell["source"]).splitlines() if line.strip()]
        m = VIEW.match(lines[-1]) if lines else None
        if m:
            views[index] = m.group(1)
    return views


def page_state(driver: Any) -> str:
    """The kernel's status and every code cell's prompt (for a failure message)."""
    from selenium.webdriver.common.by import By

    status = [e.get_attribute("data-status") for e in driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook-ExecutionIndicator")]
    prompts = [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")]
    dialogs = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog")]
    return f"kernel {status}, prompts {prompts}, dialogs {dialogs}"


def wait(driver: Any, what: str, condition: Callable[[Any], Any], timeout_s: float = 30.0) -> Any:
    """``condition(driver)`` once truthy; else a failure naming ``what`` and the notebook's state."""
    return wait_for(driver, what, condition, timeout_s, describe=page_state)


def kernel_connected(server: JupyterLab) -> bool:
    """Whether the page's kernel has started and the page holds a connection to it.

    (The notebook's own execution indicator says "idle" before any kernel exists.)
    """
    sessions = server.api("sessions")
    assert isinstance(sessions, list)
    return any(s["kernel"]["execution_state"] == "idle" and s["kernel"]["connections"] >= 1 for s in sessions)


def prompts(driver: Any) -> list[str]:
    """Every code cell's prompt: ``[ ]:`` not run, ``[*]:`` running, ``[3]:`` done."""
    from selenium.webdriver.common.by import By

    return [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")]


def every_cell_ran(driver: Any) -> bool:
    from selenium.webdriver.common.by import By

    shown = prompts(driver)
    idle = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook-ExecutionIndicator[data-status='idle']")
    return bool(shown) and all(re.fullmatch(r"\[\d+\]:", p) for p in shown) and bool(idle)


def run_all_cells(driver: Any) -> None:
    """Run > Run All Cells, as a teacher clicks it; once more if the page was not ready.

    Right after the kernel connects, the page may still be settling its session and
    runs nothing (every prompt stays ``[ ]:``); a teacher clicks again, and so does
    this.
    """
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    for _attempt in range(3):
        driver.find_element(By.XPATH, "//li[contains(@class, 'lm-MenuBar-item')][.//div[text()='Run']]").click()
        item = wait(driver, "the Run menu", lambda d: d.find_elements(By.CSS_SELECTOR, "li.lm-Menu-item[data-command='runmenu:run-all']"))
        item[0].click()
        try:
            WebDriverWait(driver, 10, poll_frequency=0.1).until(lambda d: any(p != "[ ]:" for p in prompts(d)))
            return
        except TimeoutException:
            continue
    pytest.fail(f"Run All Cells ran nothing, three times: {page_state(driver)}", pytrace=False)


def loaded_picture(cell: Any) -> bool:
    """Whether a cell's output holds an image the browser has decoded."""
    return bool(cell.parent.execute_script(
        "return [...arguments[0].querySelectorAll('.jp-OutputArea img')]"
        ".some(img => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0)",
        cell,
    ))


def picture_source(driver: Any) -> str | None:
    """The player picture's ``src`` once the browser has decoded it (None while loading)."""
    return driver.execute_script(
        "const img = document.querySelector(arguments[0]);"
        "return img && img.complete && img.naturalWidth > 0 ? img.src : null;",
        PICTURE,
    )


def hide_file_browser(driver: Any) -> None:
    """Close the left sidebar, so screenshots show the lesson (cosmetic: ignored if absent)."""
    from selenium.webdriver.common.by import By

    for tab in driver.find_elements(By.CSS_SELECTOR, ".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current"):
        tab.click()


def step(driver: Any, button: str, shots: Screenshots, name: str) -> tuple[tuple[int, int], bytes]:
    """Click a player button, wait for its new picture, and return the picture's pixels."""
    from selenium.webdriver.common.by import By

    before = picture_source(driver)
    driver.find_element(By.CSS_SELECTOR, f"{PLAYER} {button}").click()
    wait(driver, f"the player's picture after {name}", lambda d: (picture_source(d) or before) != before, timeout_s=15)
    return snap_picture(driver, shots, name)


def snap_picture(driver: Any, shots: Screenshots, name: str) -> tuple[tuple[int, int], bytes]:
    from selenium.webdriver.common.by import By

    picture = driver.find_element(By.CSS_SELECTOR, PICTURE)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", picture)
    png = picture.screenshot_as_png
    shots.keep(name, png)
    return pixels(png)


def test_lesson_runs_in_jupyterlab_and_the_player_steps_back_exactly() -> None:
    require_browser()
    from selenium.webdriver.common.by import By

    started = time.monotonic()
    shots = Screenshots()
    views = view_cells(NOTEBOOKS / LESSON)
    assert "player" in views.values() and len(views) >= 4, f"{LESSON} no longer has its views and player: {views}"

    with jupyterlab(NOTEBOOKS, wait=False) as server, chromium(1400, 1600, lang="ko") as driver:
        server.wait_until_up()
        driver.get(server.page(f"lab/tree/{LESSON}"))
        wait(driver, "the notebook and its kernel",
             lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell") and kernel_connected(server), timeout_s=45)
        hide_file_browser(driver)
        run_all_cells(driver)
        wait(driver, "every cell to run", every_cell_ran, timeout_s=RUN_TIMEOUT_S)

        # -- Hangul: the lessons bring their font (tools/lessons.py); the machine may have none --
        faces = driver.execute_async_script(
            "const done = arguments[0]; document.fonts.ready.then(() => done("
            "[...document.fonts].filter(f => f.family.replace(/[\"']/g, '') === 'NanumGothic').map(f => f.status)))"
        )
        assert "loaded" in faces, f"the lesson's Korean font did not load: {faces}"

        # -- what every cell shows -------------------------------------------------------
        cells = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")
        assert len(cells) == len(json.loads((NOTEBOOKS / LESSON).read_text(encoding="utf-8"))["cells"])
        outputs = "\n".join(c.text for c in driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-OutputArea"))
        shown = [text for text in NOT_A_PICTURE if text in outputs]
        assert shown == [], f"cells show {shown} where the terminal's text or a picture belongs:\n{outputs}"
        if shots.folder:
            driver.execute_script("document.querySelector('.jp-WindowedPanel-outer, .jp-Notebook').scrollTo(0, 0)")
            shots.keep("lesson", driver.get_screenshot_as_png())
        for index, view in views.items():
            cell = cells[index]
            if view != "player":  # (the player's picture is checked below)
                wait(driver, f"cell {index}'s picture (viz.{view})", lambda d, cell=cell: loaded_picture(cell), timeout_s=10)
            if shots.folder:
                driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", cell)
                shots.keep(f"cell-{index:02d}-{view}", cell.screenshot_as_png)

        # -- the player: three steps forward, one back ---------------------------------------
        players = driver.find_elements(By.CSS_SELECTOR, PLAYER)
        assert len(players) == 1, f"expected the lesson's one player ({PLAYER}), found {len(players)}"
        strips = driver.find_elements(By.CSS_SELECTOR, ".dockersim-strip")  # the strip is the player's fallback for exports
        assert strips == [], "a live JupyterLab shows the strip beside the player (hidden or not): it belongs in exports only"
        panel = driver.find_element(By.CSS_SELECTOR, f"{PLAYER} {PANEL}")
        wait(driver, "the player's first picture", picture_source, timeout_s=15)
        pictures = [snap_picture(driver, shots, "player-0")]
        captions = [panel.text]
        for k in (1, 2, 3):
            pictures.append(step(driver, FORWARD, shots, f"player-{k}"))
            captions.append(panel.text)
        back = step(driver, BACK, shots, "player-back-to-2")

        for k in (1, 2, 3):
            assert pictures[k] != pictures[k - 1], f"step {k} did not change the player's picture"
        assert back == pictures[2], "step back did not restore exactly the picture of step 2"
        assert panel.text == captions[2], "step back did not restore the panel of step 2"

    elapsed = time.monotonic() - started
    assert elapsed <= BUDGET_S, f"the browser test took {elapsed:.0f} s (budget {BUDGET_S:.0f} s)"
