"""The printing page warns when the base URL would make a tile's QR squares too small
to read from a photo of a whole board."""

from tests.helpers.web import text
from tilegen.tile import MIN_MODULE_MM, qr_module_mm

LONG = "https://caseboard.children-services.a-long-council-name.gov.uk/apps/caseboard"


def test_short_base_url_gives_no_warning(client_for):
    page = text(client_for("manager").get("/printing/"))
    assert 'id="small-modules"' not in page


def test_long_base_url_is_warned_about(client_for, store, team):
    assert qr_module_mm(LONG) < MIN_MODULE_MM
    store["teams"].update(team["id"], {"base_url": LONG})
    page = text(client_for("manager").get("/printing/"))
    assert 'id="small-modules"' in page
    assert f"{qr_module_mm(LONG):.2f} mm" in page
