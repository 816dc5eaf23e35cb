"""The scans pages."""

from flask import Blueprint

bp = Blueprint("scans", __name__)
