"""Benchmark: how fast the dashboard draws on the demo library.

Targets: cold start to the Overview drawn under 3 s; a widget change
redrawn under 300 ms.

Measured with Streamlit's AppTest (the script runs in-process, no browser):

* **cold start**: a fresh Python process imports the app and runs it once to
  the Overview (the default page) on a demo library that is already built,
  with every ``st.cache_data`` cache empty; reported as the whole process
  (interpreter start, imports, first run) and as the first run alone;
* **warm rerun**: the same run again (caches filled);
* **widget changes**: a new date range, back to the first athlete's range, and
  a switch to another athlete (the first visit of an athlete computes its
  indicators; later visits are cached);
* **page visits**: the first visit of the Cramps, Session and Team pages (the
  Team page analyses the whole squad), then cached visits back.

Optionally (``--browser``) the same cold start is timed in Chromium against a
real ``streamlit run``: from ``page.goto`` to the Overview's chart being drawn.

Run: ``python benchmarks/dashboard.py [--repeat 3] [--browser] [--library DEMO.sqlite]``.
The demo library is built once into a temporary folder (that time is printed
too) unless ``--library`` names one already built.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboards" / "app.py"
#: Pages visited after the widget changes, in order; a first visit computes (the
#: Team page analyses the whole squad), later visits are cached.
VISITED_PAGES = ("cramps.py", "session.py", "team.py")

_COLD = r"""
import json, sys, time
t0 = time.perf_counter()
from streamlit.testing.v1 import AppTest
t1 = time.perf_counter()
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
t2 = time.perf_counter()
assert not at.exception, [e.message for e in at.exception]
assert at.get("plotly_chart"), "the Overview drew no chart"
at.run()
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_run_s": t2 - t1, "warm_rerun_s": t3 - t2}))
"""


def _env(library: Path, home: Path) -> dict:
    env = {**os.environ, "XDG_DATA_HOME": str(home), "CRAMP_ANALYZER_DEMO_LIBRARY": str(library)}
    env.pop("CRAMP_ANALYZER_LIBRARY", None)
    return env


def cold_start(library: Path, home: Path) -> dict:
    """One fresh process: interpreter + imports + first run of the Overview, then a warm rerun."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _COLD, str(APP)],
        env=_env(library, home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    total = time.perf_counter() - started
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = total
    return result


def widget_changes(library: Path, home: Path) -> dict:
    """Rerun times after changing the date range and the athlete (in this process)."""
    os.environ.update(_env(library, home))
    os.environ.pop("CRAMP_ANALYZER_LIBRARY", None)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120).run()
    athletes = at.sidebar.selectbox(key="athlete").options
    date_input = next(d for d in at.sidebar.date_input if d.key.startswith("range_"))
    start, end = date_input.value
    times = {}
    t = time.perf_counter()
    date_input.set_value((start + (end - start) / 2, end)).run()
    times["date range changed"] = time.perf_counter() - t
    date_input = next(d for d in at.sidebar.date_input if d.key.startswith("range_"))
    t = time.perf_counter()
    date_input.set_value((start, end)).run()
    times["date range back"] = time.perf_counter() - t
    if len(athletes) > 1:
        t = time.perf_counter()
        at.sidebar.selectbox(key="athlete").set_value(athletes[1]).run()
        times["athlete changed (first visit)"] = time.perf_counter() - t
        t = time.perf_counter()
        at.sidebar.selectbox(key="athlete").set_value(athletes[0]).run()
        times["athlete changed back (cached)"] = time.perf_counter() - t
    for page in VISITED_PAGES:
        t = time.perf_counter()
        at.switch_page(f"app_pages/{page}").run()
        times[f"page {page} (first visit)"] = time.perf_counter() - t
        assert not at.exception, [e.message for e in at.exception]
    t = time.perf_counter()
    at.switch_page("app_pages/overview.py").run()
    times["back to the Overview (cached)"] = time.perf_counter() - t
    t = time.perf_counter()
    at.switch_page(f"app_pages/{VISITED_PAGES[-1]}").run()
    times[f"page {VISITED_PAGES[-1]} again (cached)"] = time.perf_counter() - t
    assert not at.exception, [e.message for e in at.exception]
    return times


def browser_cold_start(library: Path, home: Path) -> dict:
    """Chromium against `streamlit run`: server ready, and goto -> Overview chart drawn."""
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
        ],
        env=_env(library, home),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.1)
        ready = time.perf_counter() - started
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t = time.perf_counter()
            page.goto(url)
            page.locator("[data-testid='stSidebar']").first.wait_for(timeout=120_000)
            frame = time.perf_counter() - t
            page.locator("[data-testid='stMetric']").first.wait_for(timeout=120_000)
            computed = time.perf_counter() - t
            page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=120_000)
            drawn = time.perf_counter() - t
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "server ready": ready,
        "goto -> sidebar shown": frame,
        "goto -> Overview numbers shown (indicators computed)": computed,
        "goto -> Overview chart drawn": drawn,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold starts to time (median shown)")
    parser.add_argument(
        "--browser", action="store_true", help="also time the cold start in Chromium"
    )
    parser.add_argument(
        "--library", type=Path, help="an already built demo library to copy (skips the build)"
    )
    args = parser.parse_args(argv)

    from analyzer.store.demo import build_demo_library

    folder = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    try:
        library = folder / "demo.sqlite"
        t = time.perf_counter()
        if args.library:
            shutil.copyfile(args.library, library)
        else:
            build_demo_library(library, ROOT / "sample_data")
        build_s = time.perf_counter() - t
        runs = [cold_start(library, folder / f"home{i}") for i in range(args.repeat)]
        rows = [
            (
                "demo library " + ("copied" if args.library else "built (once, first start only)"),
                build_s,
                None,
            ),
            (
                "cold start: process total (python + imports + Overview)",
                statistics.median(r["process_s"] for r in runs),
                3.0,
            ),
            (
                "cold start: first run of the Overview alone",
                statistics.median(r["first_run_s"] for r in runs),
                3.0,
            ),
            ("warm rerun of the Overview", statistics.median(r["warm_rerun_s"] for r in runs), 0.3),
        ]
        rows += [
            (name, seconds, None if "first visit" in name else 0.3)
            for name, seconds in widget_changes(library, folder / "home-w").items()
        ]
        if args.browser:
            rows += [
                (f"browser: {name}", seconds, 3.0 if "drawn" in name else None)
                for name, seconds in browser_cold_start(library, folder / "home-b").items()
            ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"{'measure':<58} {'time [ms]':>10} {'target [ms]':>12}  verdict")
    for name, seconds, target in rows:
        verdict = "" if target is None else ("ok" if seconds <= target else "SLOW")
        target_txt = "" if target is None else f"{target * 1000:.0f}"
        print(f"{name:<58} {seconds * 1000:>10.0f} {target_txt:>12}  {verdict}")
    print(f"(median of {args.repeat} cold starts; machine: {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
