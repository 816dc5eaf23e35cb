"""The Flask app: ``create_app``, extensions, access rules, navigation, views, templates."""

from webapp.web.app import create_app

__all__ = ["create_app"]
