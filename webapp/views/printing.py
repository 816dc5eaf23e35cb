"""The printing pages."""

from flask import Blueprint

bp = Blueprint("printing", __name__)
