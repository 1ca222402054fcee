"""End to end in a real browser: Playwright drives Debian's Chromium against `streamlit run`.

Opens the app, visits every page, uploads a file on the Import page and saves
screenshots of the Overview and Cramps pages to ``test-artifacts/``. Never runs
``playwright install``: it uses ``/usr/bin/chromium`` and skips without it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboards.app_pages import PAGE_TABLE
from tests.helpers.dashboard import ROOT, demo_available, mini_demo_library, simulated_fit

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 90_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not answer on {url} within {START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run dashboards/app.py` on a free loopback port; first start on the mini demo."""
    home = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "XDG_DATA_HOME": str(home / "xdg")}
    env.pop("CRAMP_ANALYZER_LIBRARY", None)
    if not demo_available():
        pytest.skip(
            "sample_data/ holds no demo squad yet (athletes.csv) or the demo builder is missing"
        )
    demo = home / "demo-library.sqlite"
    shutil.copyfile(mini_demo_library(tmp_path_factory.mktemp("demo")), demo)
    env["CRAMP_ANALYZER_DEMO_LIBRARY"] = str(demo)
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboards" / "app.py"),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    # Pages compute on first visit; on a busy machine that takes longer than expect's 5 s default.
    sync_api.expect.set_options(timeout=PAGE_TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    yield tab
    context.close()


def _open(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    app = page.locator("[data-testid='stApp']")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def _url(server: str, script: str) -> str:
    return f"{server}/{Path(script).stem}" if script != PAGE_TABLE[0][1] else server


def test_every_page_opens_and_overview_and_cramps_are_captured(server, page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    for _, script, title, _ in PAGE_TABLE:
        _open(page, _url(server, script))
        expect(page.get_by_role("heading", name=title).first).to_be_visible()
        if script in ("overview.py", "cramps.py"):
            expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / f"{Path(script).stem}.png"), full_page=True)
    assert (ARTIFACTS / "overview.png").stat().st_size > 10_000
    assert (ARTIFACTS / "cramps.png").stat().st_size > 10_000


def test_a_file_uploaded_in_the_browser_is_imported(server, page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    _open(page, _url(server, "import_files.py"))
    # First start (demo squad shown): the files go into a new library of the user's own.
    athlete_id = page.locator("input[aria-label^='Athlete id']")
    expect(athlete_id).to_be_visible()
    athlete_id.fill("me")
    athlete_id.press("Enter")
    name, data = simulated_fit()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    expect(page.get_by_role("button", name=f"Remove {name}")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Last import: 1 imported.")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "import.png"), full_page=True)


def test_the_browser_fetches_nothing_from_other_servers(server, page):
    """Health data: every request of every page goes to the local server.

    A ``:material/...:`` tab icon made the browser fetch an SVG from
    fonts.gstatic.com on every page load.
    """
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for _, script, _, _ in PAGE_TABLE:
        _open(page, _url(server, script))
    page.wait_for_timeout(1000)  # the tab icon is set after the page has drawn
    elsewhere = [u for u in requested if not u.startswith((server, "data:", "blob:"))]
    assert requested and not elsewhere, elsewhere


def test_chromium_is_the_system_one():
    assert shutil.which("chromium") or CHROMIUM.exists()
