"""Sign-in with OpenID Connect against a real provider process (oidc-provider on Node):
the whole round trip through the provider's pages, the token exchange and the ID token
checked against the provider's keys."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers.oidc_provider import REDIRECT_URI, sign_in_at_provider
from tests.helpers.web import PASSWORD, AuthActions


@pytest.fixture
def ann(add_person):
    return add_person("ann", "practitioner", email="ann.lee@council.example")


def _callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_a_full_sign_in_lands_on_the_tile_page_first_opened(sso_app, oidc_provider, ann,
                                                            family):  # fmt: skip
    tile = family("TWr", stage=2, due=30)
    client = sso_app.test_client()
    opened = client.get(f"/t/{tile['token']}")
    assert opened.status_code == 302 and opened.location.startswith("/login")
    login_page = client.get(opened.location).get_data(as_text=True)
    assert "Sign in with your council account" in login_page
    start = client.get(f"/login/oidc?next=/t/{tile['token']}")
    assert start.status_code == 302
    authorize = urlsplit(start.location)
    query = parse_qs(authorize.query)
    assert start.location.startswith(f"{oidc_provider.issuer}/auth")
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [REDIRECT_URI]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge"][0]

    back = sign_in_at_provider(start.location, "ann")
    landed = client.get(_callback_path(back))
    assert landed.status_code == 302 and landed.location == f"/t/{tile['token']}"
    page = client.get(landed.location)
    assert page.status_code == 200 and "TWr" in page.get_data(as_text=True)
    with sso_app.app_context():
        from webapp.web.extensions import get_db

        logins = list(get_db()["audit"].rows_where("action = 'login'"))
    assert len(logins) == 1 and '"via": "oidc"' in logins[0]["detail"]


def test_a_wrong_state_is_refused_with_a_clear_page(sso_app, ann):
    client = sso_app.test_client()
    start = client.get("/login/oidc")
    back = sign_in_at_provider(start.location, "ann")
    forged = _callback_path(back).replace("state=", "state=forged")
    answer = client.get(forged)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "Sign-in with your council account was refused" in text
    assert "state did not match" in text
    assert client.get("/").status_code == 302  # still not logged in


def test_a_user_not_in_the_store_is_refused_with_a_clear_page(sso_app, ann):
    client = sso_app.test_client()
    start = client.get("/login/oidc")
    answer = client.get(_callback_path(sign_in_at_provider(start.location, "stranger")))
    assert answer.status_code == 403
    text = answer.get_data(as_text=True)
    assert "stranger@council.example is not an active caseboard user" in text
    assert client.get("/").status_code == 302


@pytest.fixture
def sso_groups_app(db_path, oidc_provider):
    """Council sign-in that also asks for the groups claim and maps a group to a role."""
    from webapp import create_app

    groups = "g-heads=head-of-practice,g-managers=manager"
    return create_app({"DB": db_path, "TESTING": True, **oidc_provider.config(),
                       "OIDC_SCOPE": "openid email profile groups",
                       "OIDC_ROLE_GROUPS": groups})  # fmt: skip


def test_an_inactive_user_is_refused_and_a_group_can_set_the_role(sso_groups_app, store, ann):
    sso_app = sso_groups_app
    store["users"].update(ann["id"], {"active": 0})
    client = sso_app.test_client()
    answer = client.get(_callback_path(sign_in_at_provider(
        client.get("/login/oidc").location, "ann")))  # fmt: skip
    assert answer.status_code == 403
    store["users"].update(ann["id"], {"active": 1})
    answer = client.get(_callback_path(sign_in_at_provider(
        client.get("/login/oidc").location, "ann")))  # fmt: skip
    assert answer.status_code == 302
    assert store["users"].get(ann["id"])["role"] == "manager"


def test_an_admin_can_switch_local_passwords_off(sso_app, add_person, ann):
    add_person("ada", "admin")
    admin = sso_app.test_client()
    assert AuthActions(admin).login("ada").status_code == 302
    admin.post("/admin/sign-in", data={})  # the box unticked: passwords off
    other = sso_app.test_client()
    refused = AuthActions(other).login("ann", PASSWORD)
    assert refused.status_code == 403
    assert "sign in with your council account" in refused.get_data(as_text=True)
    page = other.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "/login/oidc" in page
    admin.post("/admin/sign-in", data={"local_passwords": "on"})
    assert AuthActions(other).login("ann", PASSWORD).status_code == 302


def test_without_oidc_settings_login_offers_only_passwords(client, users):
    page = client.get("/login").get_data(as_text=True)
    assert "/login/oidc" not in page and 'name="password"' in page
    assert client.get("/login/oidc").status_code == 404


@pytest.mark.parametrize("account", ["unverified", "denied"])
def test_an_email_address_the_issuer_does_not_vouch_for_is_refused(sso_app, ann, account):
    """The attack: a token with no email_verified claim (or a false one) signed in as the
    user with that address."""
    client = sso_app.test_client()
    start = client.get("/login/oidc")
    answer = client.get(_callback_path(sign_in_at_provider(start.location, account)))
    assert answer.status_code == 403
    assert "is not verified" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_an_id_token_from_another_issuer_than_the_configured_one_is_refused(
    db_path, oidc_provider, ann
):
    """The attack: the ID token's iss was checked only against the discovery document,
    which may name any issuer. Here caseboard is configured with one address of the
    provider and the provider signs its tokens as another."""
    from webapp import create_app

    config = {**oidc_provider.config(),
              "OIDC_ISSUER": oidc_provider.issuer.replace("127.0.0.1", "localhost")}  # fmt: skip
    app = create_app({"DB": db_path, "TESTING": True, "WTF_CSRF_ENABLED": False, **config})
    client = app.test_client()
    start = client.get("/login/oidc")
    assert start.status_code == 302
    answer = client.get(_callback_path(sign_in_at_provider(start.location, "ann")))
    assert answer.status_code == 400
    assert "did not confirm who you are" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_verified_flag_is_the_configured_claim_and_issuer_set_names_need_none(store, ann):
    from webapp.accounts.signin import user_for_claims
    from webapp.errors import BadInput

    email = {"email": "ann.lee@council.example"}
    with pytest.raises(BadInput, match="not verified"):
        user_for_claims(store, email)
    with pytest.raises(BadInput, match="not verified"):
        user_for_claims(store, {**email, "email_verified": True}, verified_claim="xms_edov")
    assert user_for_claims(store, {**email, "xms_edov": True}, verified_claim="xms_edov")
    upn = {"preferred_username": "ann.lee@council.example"}
    assert user_for_claims(store, upn, email_claim="preferred_username")["username"] == "ann"
