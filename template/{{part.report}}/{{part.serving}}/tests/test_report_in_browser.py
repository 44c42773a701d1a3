"""The quick start's report.html opened from disk in headless Chromium, with every request refused: every picture
shows (they are inline), and a screenshot is kept. Skipped where Playwright or Chromium is missing."""

import numpy as np
import pytest
from browser import launch, needs_browser
from PIL import Image

sync_api = pytest.importorskip("playwright.sync_api", reason="no Playwright: pip install -r requirements-dev.txt")
pytestmark = [needs_browser, pytest.mark.slow]  # needs the trained quick start


def test_the_report_shows_every_picture_offline(trained_run, tmp_path):
    run_dir = trained_run[0]
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        asked = []
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else (asked.append(route.request.url), route.abort()))
        page.goto((run_dir / "report.html").resolve().as_uri())
        sizes = page.eval_on_selector_all("img", "images => images.map(image => [image.complete, image.naturalWidth])")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(f"screenshot: {shot}")
    assert asked == [] and sizes and all(complete and width > 100 for complete, width in sizes)
    assert np.asarray(Image.open(shot).convert("L"), dtype=np.float32).std() > 20
