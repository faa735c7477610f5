"""Screenshots of each role's landing page at 1440 and 390 px, for docs/screens/ (issue 8, Done means 4).

Run it against a running demo server (`make run`, or `manage.py runserver` over a seeded database):

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 [--out docs/screens]

It signs in as each demo role with the demo password, follows the landing redirect, and saves the
visible part of the page (viewport only, to keep the files small) as `<role>-<width>.png`. It drives
Debian's chromium (`/usr/bin/chromium`, or RELAIS_E2E_CHROMIUM) and never downloads a browser.
"""

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("RELAIS_E2E_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "demo-relais-2026"  # noqa: S105 - the published demo password (README)
ROLES = {
    "reception": "reception_lille",
    "sales": "sales_lille",
    "back-office": "billing_hdf",
    "manager": "manager_lille",
    "telemarketing": "telemarketing",
    "telesales": "telesales_hdf",
    "marketing": "marketing",
    "admin": "admin",
}
WIDTHS = {1440: 900, 390: 844}


def shoot(url: str, out: Path, language: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for role, username in ROLES.items():
            for width, height in WIDTHS.items():
                context = browser.new_context(locale=language, viewport={"width": width, "height": height},
                                              is_mobile=width < 600, device_scale_factor=1)  # fmt: skip
                page = context.new_page()
                page.goto(f"{url}/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", PASSWORD)
                page.click("form:has(#id_username) button[type=submit]")
                page.wait_for_load_state("networkidle")
                path = out / f"{role}-{width}.png"
                page.screenshot(path=str(path), full_page=False)
                saved.append(path)
                print(f"{path}  {page.url}")
                context.close()
        browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running demo server")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "screens"))
    parser.add_argument("--language", default="fr-FR", help="the browser's language (the demo is French)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).", file=sys.stderr)
        return 1
    shoot(args.url.rstrip("/"), Path(args.out), args.language)
    return 0


if __name__ == "__main__":
    sys.exit(main())
