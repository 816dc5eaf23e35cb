"""The board scanner: photos of the stage boards in, tiles on boards and zones out.

Entry point: :func:`scanner.scan.scan_photos`; what it returns is in
:mod:`scanner.results`. Never imports Flask or the web app.
"""

from .images import PhotoError, load_photo
from .results import ScanResult
from .scan import scan_photos

__all__ = ["PhotoError", "ScanResult", "load_photo", "scan_photos"]
