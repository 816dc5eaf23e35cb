"""What the tests share besides fixtures, one definition of each, imported as
``tests.helpers.<module>`` (the fixtures are in the conftest files):

``web``                 the CSRF-posting test client, log-in actions, a real server in a
                        thread, Chromium's settings, page-text checks, API bearer headers
``cli``                 ``caseboard family add`` and the exit-code check for ``runner`` results
``county``              a store of several teams, the SQL a page runs, and its query plans
``day_answers``         every answer caseboard gives about one day, byte for byte
``import_sheets``       small export sheets to import and a search of every byte for names
``export_folder``       a folder of export files as case systems write them
``export_expectations`` what importing each file of that folder must give
``mail_server``         a real SMTP server (aiosmtpd)
``oidc_provider``       a real OpenID Connect provider (Node's oidc-provider)
``printed_pages``       PDF pages rendered and their QR codes decoded
``scan_checks``         a scan's result checked against a synthetic photo's truth
"""
