"""The admin's import in real headless Chromium: choose the export, read the preview,
confirm, and be offered the new tiles; axe-core finds no WCAG 2.2 AA violation."""

from __future__ import annotations

import pytest

from tests.helpers.import_sheets import CHILDREN, names_found, store_files, write_xlsx
from tests.helpers.web import PASSWORD, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def no_axe_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.slow
def test_admin_imports_an_export_in_the_browser(live_server, browser, store, db_path, tmp_path):
    export = write_xlsx(tmp_path / "open-cases.xlsx", CHILDREN)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(30_000)
    page.goto(f"{live_server}/login?next=/admin/families")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/families")

    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url(f"{live_server}/admin/import/preview")
    assert page.get_by_label("Child first name").input_value() == "first_name"
    assert "2 new, 0 changed, 0 unchanged." in page.inner_text("#changes")
    no_axe_violations(page)
    assert store["families"].count == 0

    page.get_by_role("button", name="Import 2 new and 0 changed").click()
    page.wait_for_url(f"{live_server}/admin/import/confirm")
    assert "Imported 2 new and 0 changed" in page.inner_text("main")
    no_axe_violations(page)
    link = page.get_by_role("link", name="Print the tiles not yet printed (PDF)")
    assert link.get_attribute("href") == "/printing/tiles.pdf?which=unprinted"
    assert {r["initials"] for r in store["families"].rows} == {"TWr JWr OPe", "EBa"}
    assert names_found(store_files(db_path)) == []
    page.close()
