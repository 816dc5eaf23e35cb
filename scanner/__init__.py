"""The board scanner: photos of the stage boards in, tiles on boards and zones out.

Entry point: :func:`scanner.scan.scan_photos`. Never imports Flask or the web app.
"""

from .images import PhotoError, load_photo
from .scan import ScanResult, scan_photos

__all__ = ["PhotoError", "ScanResult", "load_photo", "scan_photos"]
