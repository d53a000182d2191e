"""Retake the README's explorer screenshot (docs/figures/explorer.png) from the current model.

Starts the explorer for steel2030 on a free port of 127.0.0.1, opens it in the system Chromium
(Playwright, executable_path), sets a few levers through the page's URL state (carbon price x3,
no new coal, solar build x1.5, new-type storage build x2), waits for the re-run and saves the
viewport. Run after a model change that the page shows:

    python tools/explorer_screenshot.py [--out docs/figures/explorer.png]
"""

from __future__ import annotations

import argparse
import shutil
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = "policy.carbon_price=3&no_new_coal=1&power.solar_additions_gw=1.5&power.nts_additions_gw=2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures" / "explorer.png")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from ctsim.explorer.server import make_server

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("explorer_screenshot: no chromium on PATH (apt-get install chromium)")
    server = make_server(ROOT / "scenarios" / "steel2030.yaml", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{server.url}#{STATE}")
            page.wait_for_function("() => Number(document.body.dataset.runs) >= 1"
                                   " && !document.body.dataset.busy")
            page.wait_for_timeout(300)  # let the last frame paint
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
