"""The tiles pages."""

from flask import Blueprint

bp = Blueprint("tiles", __name__)
