"""The OpenID Connect client (Authlib), registered when ``OIDC_ISSUER``, ``OIDC_CLIENT_ID``
and ``OIDC_CLIENT_SECRET`` are configured (``CASEBOARD_OIDC_*`` in the environment).

Authorization code flow with PKCE S256; Authlib keeps ``state``, ``nonce`` and the code
verifier in the session, checks the state and the nonce on the way back, and verifies
the ID token's signature against the issuer's JWKS and its ``aud`` and ``exp``. The
``iss`` claim must be present and be the configured issuer itself (:func:`claims_options`),
not merely whatever issuer the discovery document names.
"""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from webapp.accounts.signin import parse_role_groups

NAME = "council"
DEFAULT_SCOPE = "openid email profile"


def sso_configured(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return all(config.get(k) for k in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"))


def init_sso(app: Flask) -> None:
    """Register the issuer as an Authlib client (its metadata is fetched on first use)."""
    if not sso_configured(app):
        return
    config = app.config
    parse_role_groups(config.get("OIDC_ROLE_GROUPS"))  # a bad mapping fails at start-up
    oauth = OAuth(app)
    issuer = str(config["OIDC_ISSUER"]).rstrip("/")
    oauth.register(
        NAME,
        client_id=str(config["OIDC_CLIENT_ID"]),
        client_secret=str(config["OIDC_CLIENT_SECRET"]),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": config.get("OIDC_SCOPE") or DEFAULT_SCOPE,
            "code_challenge_method": "S256",
            "timeout": 15,
        },
    )
    app.extensions["caseboard_oauth"] = oauth


def configured_issuer() -> str:
    return str(current_app.config["OIDC_ISSUER"]).rstrip("/")


def claims_options() -> dict:
    """What Authlib checks in the ID token beyond signature, nonce, ``aud`` and ``exp``:
    an ``iss`` that is there and is the configured issuer (Authlib's default compares
    it, when present, only with the discovery document's own ``issuer``)."""
    issuer = configured_issuer()
    return {"iss": {"essential": True, "values": [issuer, f"{issuer}/"]}}


def client():
    return current_app.extensions["caseboard_oauth"].create_client(NAME)
