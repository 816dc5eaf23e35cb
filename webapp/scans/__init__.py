"""Keeping the store in step with the wall: scan -> preview -> apply.

The one sync library for the web pages, the JSON API and ``caseboard scan
--apply``. It knows nothing of Flask or click.

* :mod:`.intake`: the one way photos (or a scan JSON) become a stored preview, for the
  pages, the API, ``scan --apply``, ``watch`` and the camera; per-photo errors as data.
* :mod:`.uploads`: checks uploaded photos and scan JSON, and runs the scanner on
  photos (with the expected tokens of each board as hints).
* :mod:`.previews`: compares a scan (docs/contract.md §3 JSON) with the store and keeps the
  comparison as a *preview*. It changes no family.
* :mod:`.records`: reads stored scans, their photos and the team's recent scans.
* :mod:`.applying`: writes a preview in one transaction, once.
* Scans nobody holds a phone for: :mod:`.watching` (a watched folder), :mod:`.camera`
  (a team's wall camera and its settings), :mod:`.capturing` (one capture),
  :mod:`.capture_schedule` and :mod:`.capture_job` (the scheduled captures),
  :mod:`.camera_check` (will a camera do?) and :mod:`.unattended` (apply when clean).
"""
