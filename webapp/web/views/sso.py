"""Sign-in with the council's accounts over OpenID Connect (docs/contract.md §9), and the
admin's switch for local passwords.

``GET /login/oidc`` sends the browser to the issuer's authorization endpoint (code flow,
``state``, ``nonce``, PKCE S256); ``/login/oidc/callback`` lets in only the active user
whose email the verified ID token names, then goes on to the page they first opened.
"""

from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user
from joserfc.errors import JoseError
from werkzeug.exceptions import BadRequest, Forbidden, ServiceUnavailable

from webapp.accounts.signin import (
    local_passwords_allowed,
    parse_role_groups,
    set_local_passwords,
    user_for_claims,
)
from webapp.errors import CaseboardError
from webapp.store import access_log
from webapp.values.actor import Actor
from webapp.web import oidc_client
from webapp.web.access import role_required
from webapp.web.error_pages import http_error, library_error
from webapp.web.extensions import User, get_db
from webapp.web.form_values import field
from webapp.web.redirects import safe_next
from webapp.web.views.auth import REMEMBER_FOR

bp = Blueprint("sso", __name__)

NEXT_KEY = "oidc_next"
REFUSED = "Sign-in with your council account was refused."


UNREACHABLE = "The council sign-in service cannot be reached. Try again later, or ask your admin."
STATE_MISMATCH = (f"{REFUSED} This sign-in was not started here or has expired (its state "
                  "did not match). Start again from the log-in page.")  # fmt: skip
NOT_CONFIRMED = (f"{REFUSED} The council sign-in service did not confirm who you are. "
                 "Start again from the log-in page.")  # fmt: skip


@bp.get("/login/oidc")
def start():
    if not oidc_client.sso_configured():
        abort(404)
    session[NEXT_KEY] = safe_next(request.args.get("next")) or ""
    callback = url_for("sso.callback", _external=True)
    return oidc_client.client().authorize_redirect(callback)  # failing: issuer_failed


@bp.get("/login/oidc/callback")
def callback():
    if not oidc_client.sso_configured():
        abort(404)
    token = oidc_client.client().authorize_access_token(  # failing: issuer_failed
        claims_options=oidc_client.claims_options()
    )
    claims = token.get("userinfo")
    if not claims:
        abort(400, description=f"{REFUSED} No verified ID token came back.")
    config = current_app.config
    g.oidc_user = user_for_claims(  # refused: user_refused
        get_db(),
        dict(claims),
        email_claim=config.get("OIDC_EMAIL_CLAIM") or "email",
        groups_claim=config.get("OIDC_GROUPS_CLAIM") or "groups",
        role_groups=parse_role_groups(config.get("OIDC_ROLE_GROUPS")),
        verified_claim=config.get("OIDC_VERIFIED_CLAIM") or "email_verified",
    )
    row = g.oidc_user
    login_user(User(row), remember=True, duration=REMEMBER_FOR)
    access_log.record(get_db(), row["team_id"], access_log.LOGIN,
                      detail={"username": row["username"], "via": "oidc"},
                      actor=Actor.web(row["id"], request.remote_addr))  # fmt: skip
    return redirect(safe_next(session.pop(NEXT_KEY, None)) or url_for("board.index"))


@bp.errorhandler(AuthlibBaseError)
@bp.errorhandler(JoseError)
@bp.errorhandler(requests.RequestException)
def issuer_failed(exc: Exception):
    """The issuer could not be reached to start a sign-in (503), or did not confirm who
    came back from it (400): the app's error page, and the reason in the log."""
    if request.endpoint == "sso.start":
        current_app.logger.warning("OpenID Connect issuer not reachable: %s", exc)
        return http_error(ServiceUnavailable(UNREACHABLE))
    if isinstance(exc, MismatchingStateError):
        return http_error(BadRequest(STATE_MISMATCH))
    current_app.logger.warning("OpenID Connect sign-in failed: %s", exc)
    return http_error(BadRequest(NOT_CONFIRMED))


@bp.errorhandler(CaseboardError)
def user_refused(exc: CaseboardError):
    """The ID token names no active user who may sign in this way: 403 with the reason.
    Anything after that point (the user is found) is answered as everywhere else."""
    if request.endpoint == "sso.callback" and "oidc_user" not in g:
        return http_error(Forbidden(f"{REFUSED} {exc}"))
    return library_error(exc)


@bp.route("/admin/sign-in", methods=["GET", "POST"])
@role_required("admin")
def settings():
    db = get_db()
    if request.method == "POST":
        allow = field("local_passwords", as_typed=True) == "on"
        if not allow and not oidc_client.sso_configured():
            flash("Set up council sign-in (CASEBOARD_OIDC_*) before switching passwords off.",
                  "error")  # fmt: skip
        else:
            set_local_passwords(db, allow)
            flash("Local passwords are " + ("allowed." if allow else "switched off."))
        return redirect(url_for("sso.settings"))
    return render_template(
        "auth/sign_in_settings.html",
        sso_on=oidc_client.sso_configured(),
        issuer=current_app.config.get("OIDC_ISSUER"),
        passwords=local_passwords_allowed(db),
        user=current_user,
    )


@bp.app_context_processor
def sign_in_options():
    """For the log-in page: whether to offer council sign-in and the password form."""

    def passwords() -> bool:
        return local_passwords_allowed(get_db())

    return {"sso_on": oidc_client.sso_configured(), "local_passwords": passwords}
