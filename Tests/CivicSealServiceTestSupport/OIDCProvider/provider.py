"""An OpenID Connect provider nobody on CivicSeal wrote: Authlib's authorization server on Flask, for the tests.

Started by the Swift launcher `IndependentProvider` (Tests/CivicSealServiceTestSupport/IndependentProvider.swift)
with one argument, the path of a JSON configuration file:

    {"certificate": PEM path, "privateKey": PEM path, "issuerHost": "127.0.0.1", "issuerPath": "" or "/realm",
     "clients": [{"client_id", "method": "private_key_jwt" | "client_secret_basic", "jwk" | "secret",
                  "redirect_uris": [...], "post_logout_redirect_uris": [...]}],
     "acrValues": {"level1": "...", "level2": "..."}, "roleClaim": "roles", "departmentClaim": "department"}

It listens on 127.0.0.1 with TLS on a port the OS picks and prints `port <n>` on standard output when ready.
What it is made of is the library's, not ours: the code grant (RFC 6749 §4.1) with OpenID Connect's ID token
(`authlib.oidc.core.grants.OpenIDCode`), PKCE (RFC 7636, here S256 only and required of every client),
private_key_jwt (RFC 7523 `JWTBearerClientAssertion`) and client_secret_basic client authentication, and
RP-initiated logout (`authlib.oidc.rpinitiated.EndSessionEndpoint`). Ours is only the glue: in-memory clients,
codes and users, a login page, and a few test-only switches under `/test/`:

- `POST /test/rotate` (form `drop=1` drops the previous signing key): a new ES256 key signs from now on;
- `GET /test/jwks-fetches`: how many times the JWK set was fetched;
- `POST /test/misbehave` (JSON): `wrongNonce`, `wrongAudience` (the next ID token only), `discoveryIssuer` (the
  `issuer` discovery states until changed; null restores it), `jwksMaxAge` (the JWK set's Cache-Control max-age);
- `POST /test/expire-codes`: every code issued so far is expired;
- `GET /test/end-sessions`: how many RP-initiated logouts arrived.
"""

import html
import json
import secrets
import sys
import threading
import time
import urllib.parse

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import Blueprint
from flask import Flask
from flask import Response
from flask import request
from joserfc.jwk import ECKey
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CODE_LIFETIME = 60

# Synthetic people only: the personal ids agree with birth date and gender (province 001, century/sex digit, year).
USERS = {
    "citizen-level2": {
        "kind": "citizen", "level": "level2", "sub": "indep-citizen-0001",
        "name": "Nguyễn Thị Ánh Tuyết", "personal_id": "001190012345", "birthdate": "1990-05-14",
        "gender": "female", "nationality": "VN",
    },
    "citizen-level1": {
        "kind": "citizen", "level": "level1", "sub": "indep-citizen-0002",
        "name": "Phạm Văn Hùng", "personal_id": "001085004321", "birthdate": "1985-03-02",
        "gender": "male", "nationality": "VN",
    },
    "justice-officer": {
        "kind": "staff", "level": "level2", "sub": "indep-staff-0001",
        "name": "Trần Đức Lương", "roles": ["justice.officer"], "department": "justice-hanoi",
    },
    "health-officer": {
        "kind": "staff", "level": "level2", "sub": "indep-staff-0002",
        "name": "Lê Thị Hồng Nhung", "roles": ["health.officer"], "department": "health-hanoi",
    },
}


class State:
    """Everything the provider holds, behind one lock (the server is threaded)."""

    def __init__(self, config):
        self.lock = threading.Lock()
        self.config = config
        self.issuer = None
        self.keys = []  # newest first; keys[0] signs
        self.keys.append(ECKey.generate_key("P-256", {"kid": "es-" + secrets.token_hex(6), "alg": "ES256",
                                                       "use": "sig"}, private=True))
        self.keys.append(RSAKey.generate_key(2048, {"kid": "rs-" + secrets.token_hex(6), "alg": "RS256",
                                                     "use": "sig"}, private=True))
        self.codes = {}
        self.used_jtis = set()
        self.jwks_fetches = 0
        self.end_sessions = 0
        self.wrong_nonce = False
        self.wrong_audience = False
        self.discovery_issuer = None
        self.jwks_max_age = 300
        self.clients = {entry["client_id"]: Client(entry) for entry in config["clients"]}

    def signing_key(self):
        with self.lock:
            return self.keys[0]

    def public_jwks(self):
        with self.lock:
            return {"keys": [key.as_dict(private=False) for key in self.keys]}

    def rotate(self, drop):
        key = ECKey.generate_key("P-256", {"kid": "es-" + secrets.token_hex(6), "alg": "ES256", "use": "sig"},
                                 private=True)
        with self.lock:
            previous = self.keys[0]
            self.keys.insert(0, key)
            if drop:
                self.keys.remove(previous)
        return key.kid


class Client(ClientMixin):
    def __init__(self, entry):
        self.client_id = entry["client_id"]
        self.method = entry["method"]
        self.secret = entry.get("secret")
        self.jwk = entry.get("jwk")
        self.client_metadata = {
            "redirect_uris": entry["redirect_uris"],
            "post_logout_redirect_uris": entry.get("post_logout_redirect_uris", []),
        }

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.client_metadata["redirect_uris"][0]

    def get_allowed_scope(self, scope):
        allowed = {"openid", "profile"}
        return " ".join(part for part in scope.split() if part in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.client_metadata["redirect_uris"]

    def check_client_secret(self, client_secret):
        return self.secret is not None and secrets.compare_digest(self.secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method == self.method

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class AuthorizationCode(AuthorizationCodeMixin):
    def __init__(self, code, client_id, redirect_uri, scope, user_id, nonce, challenge, method, acr):
        self.code = code
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.user_id = user_id
        self.nonce = nonce
        self.code_challenge = challenge
        self.code_challenge_method = method
        self.acr = acr
        self.auth_time = int(time.time())
        self.expired = False

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return self.acr

    def get_amr(self):
        return None

    def is_usable(self):
        return not self.expired and time.time() - self.auth_time < CODE_LIFETIME


STATE: State = None  # set in main()


def user_record(user_id):
    user = USERS[user_id]
    return {"id": user_id, **user}


class S256Required(CodeChallenge):
    """PKCE required of every client, confidential ones too, and only with S256 (RFC 9700 §2.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge'", redirect_uri=redirect_uri)
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256", redirect_uri=redirect_uri)
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'")
        super().validate_code_verifier(grant, result)


class PrivateKeyJWT(JWTBearerClientAssertion):
    """RFC 7523 client authentication, under the name OIDC Core §9 gives it."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def get_audiences(self):
        return [STATE.issuer + "/token", STATE.issuer]

    def validate_jti(self, claims, jti):
        key = f"{claims['sub']}:{jti}"
        with STATE.lock:
            if key in STATE.used_jtis:
                return False
            STATE.used_jtis.add(key)
            return True

    def resolve_client_public_key(self, client):
        if client.jwk is None:
            raise OAuth2Error("invalid_client")
        return KeySet.import_key_set({"keys": [client.jwk]})


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]

    def save_authorization_code(self, code, req):
        data = req.payload.data
        user = req.user
        item = AuthorizationCode(
            code, req.client.get_client_id(), req.payload.redirect_uri, req.payload.scope, user["id"],
            data.get("nonce"), data.get("code_challenge"), data.get("code_challenge_method"),
            STATE.config["acrValues"][user["level"]])
        with STATE.lock:
            STATE.codes[code] = item
        return item

    def query_authorization_code(self, code, client):
        with STATE.lock:
            item = STATE.codes.get(code)
        if item and item.client_id == client.get_client_id() and item.is_usable():
            return item
        return None

    def delete_authorization_code(self, authorization_code):
        with STATE.lock:
            STATE.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return user_record(authorization_code.user_id)


class IDToken(OpenIDCode):
    def __init__(self):
        super().__init__(require_nonce=True)

    def exists_nonce(self, nonce, req):
        with STATE.lock:
            return any(item.nonce == nonce and item.client_id == req.payload.client_id
                       for item in STATE.codes.values())

    def resolve_client_private_key(self, client):
        return STATE.signing_key()

    def get_client_algorithm(self, client):
        return STATE.signing_key().alg

    def get_encode_header(self, client):
        key = STATE.signing_key()
        return {"alg": key.alg, "kid": key.kid, "typ": "JWT"}

    def get_client_claims(self, client):
        with STATE.lock:
            wrong = STATE.wrong_audience
            STATE.wrong_audience = False
        return {"iss": STATE.issuer, "aud": "someone-else" if wrong else client.get_client_id(),
                "azp": client.get_client_id(), "exp": int(time.time()) + 300}

    def get_authorization_code_claims(self, authorization_code):
        claims = super().get_authorization_code_claims(authorization_code)
        with STATE.lock:
            wrong = STATE.wrong_nonce
            STATE.wrong_nonce = False
        if wrong:
            claims["nonce"] = "not-the-nonce-" + secrets.token_hex(8)
        return claims

    def generate_user_info(self, user, scope):
        info = UserInfo(sub=user["sub"], name=user["name"])
        if user["kind"] == "citizen":
            for claim in ("personal_id", "birthdate", "gender", "nationality"):
                info[claim] = user[claim]
        else:
            info[STATE.config["roleClaim"]] = user["roles"]
            info[STATE.config["departmentClaim"]] = user["department"]
        return info


class EndSession(EndSessionEndpoint):
    def get_server_jwks(self):
        return KeySet.import_key_set(STATE.public_jwks())

    def end_session(self, end_session_request):
        with STATE.lock:
            STATE.end_sessions += 1


def create_app(config):
    app = Flask(__name__)
    server = AuthorizationServer(app, query_client=lambda client_id: STATE.clients.get(client_id),
                                 save_token=lambda token, req: None)
    server.register_client_auth_method(PrivateKeyJWT.CLIENT_AUTH_METHOD, PrivateKeyJWT(leeway=30))
    server.register_grant(CodeGrant, [S256Required(required=True), IDToken()])
    server.register_endpoint(EndSession())
    routes = Blueprint("provider", __name__, url_prefix=config.get("issuerPath") or None)

    def json_response(value, status=200, headers=None):
        return Response(json.dumps(value), status=status, mimetype="application/json", headers=headers or {})

    @routes.get("/.well-known/openid-configuration")
    def discovery():
        issuer = STATE.issuer
        with STATE.lock:
            stated = STATE.discovery_issuer or issuer
        return json_response({
            "issuer": stated,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "jwks_uri": issuer + "/jwks",
            "end_session_endpoint": issuer + "/end-session",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
            "acr_values_supported": [config["acrValues"]["level1"], config["acrValues"]["level2"]],
            "claims_supported": ["sub", "name", "personal_id", "birthdate", "gender", "nationality", "acr",
                                 config["roleClaim"], config["departmentClaim"]],
        })

    @routes.get("/jwks")
    def jwks():
        with STATE.lock:
            STATE.jwks_fetches += 1
            max_age = STATE.jwks_max_age
        return json_response(STATE.public_jwks(), headers={"Cache-Control": f"public, max-age={max_age}"})

    @routes.route("/authorize", methods=["GET", "POST"])
    def authorize():
        try:
            grant = server.get_consent_grant(end_user=None)
        except OAuth2Error as error:
            if getattr(error, "redirect_uri", None):
                # The client and its redirect URI are good: the error goes back there, with the state.
                return server.handle_error_response(None, error)
            # An unregistered client or redirect URI is shown here, never redirected to (RFC 6749 §4.1.2.1).
            return page("Sign-in refused", f"<p id='error'>{html.escape(error.error)}: "
                                           f"{html.escape(error.description or '')}</p>", 400)
        if request.method == "GET" or request.form.get("user") not in USERS:
            return login_page(grant)
        return server.create_authorization_response(grant_user=user_record(request.form["user"]), grant=grant)

    @routes.post("/token")
    def token():
        return server.create_token_response()

    @routes.route("/end-session", methods=["GET", "POST"])
    def end_session():
        try:
            validated = server.validate_endpoint_request("end_session")
        except OAuth2Error as error:
            return page("Sign-out refused", f"<p id='error'>{html.escape(error.error)}</p>", 400)
        response = server.create_endpoint_response("end_session", validated)
        return response or page("Signed out", "<p id='signed-out'>You are signed out at the provider.</p>")

    @routes.post("/test/rotate")
    def rotate():
        kid = STATE.rotate(drop=request.form.get("drop") == "1")
        return json_response({"kid": kid})

    @routes.get("/test/jwks-fetches")
    def jwks_fetches():
        with STATE.lock:
            return json_response({"count": STATE.jwks_fetches})

    @routes.get("/test/end-sessions")
    def end_sessions():
        with STATE.lock:
            return json_response({"count": STATE.end_sessions})

    @routes.post("/test/misbehave")
    def misbehave():
        body = request.get_json(force=True)
        with STATE.lock:
            if "wrongNonce" in body:
                STATE.wrong_nonce = bool(body["wrongNonce"])
            if "wrongAudience" in body:
                STATE.wrong_audience = bool(body["wrongAudience"])
            if "discoveryIssuer" in body:
                STATE.discovery_issuer = body["discoveryIssuer"]
            if "jwksMaxAge" in body:
                STATE.jwks_max_age = int(body["jwksMaxAge"])
        return json_response({"ok": True})

    @routes.post("/test/expire-codes")
    def expire_codes():
        with STATE.lock:
            for item in STATE.codes.values():
                item.expired = True
        return json_response({"ok": True})

    app.register_blueprint(routes)
    return app


def page(title, body, status=200):
    text = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>")
    return Response(text, status=status, mimetype="text/html")


def login_page(grant):
    """A plain form (no JavaScript): one radio button per test user; posted back with the same query."""
    payload = grant.request.payload
    query = urllib.parse.urlencode(list(request.args.items(multi=True)) or
                                   [(k, v) for k, v in request.form.items(multi=True) if k != "user"])
    asked = payload.data.get("acr_values") or "(none)"
    rows = "".join(
        f"<li><label><input type='radio' name='user' value='{html.escape(uid)}' id='user-{html.escape(uid)}'"
        f"{' checked' if index == 0 else ''}> {html.escape(user['name'])} ({user['kind']}, {user['level']})"
        "</label></li>"
        for index, (uid, user) in enumerate(USERS.items()))
    body = (f"<p>Client <code id='client'>{html.escape(payload.client_id or '')}</code> asks for "
            f"<code id='acr-values'>{html.escape(asked)}</code>.</p>"
            f"<form method='post' action='?{html.escape(query)}'><ul>{rows}</ul>"
            "<button type='submit' id='sign-in'>Sign in</button></form>")
    return page("Test identity provider", body)


def main():
    global STATE
    with open(sys.argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    if config.get("log"):
        # The launcher does not read standard error: Werkzeug's request log goes to a file the tests can show.
        sys.stderr = open(config["log"], "a", encoding="utf-8", buffering=1)
    config.setdefault("acrValues", {"level1": "level1", "level2": "level2"})
    config.setdefault("roleClaim", "roles")
    config.setdefault("departmentClaim", "department")
    STATE = State(config)
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         ssl_context=(config["certificate"], config["privateKey"]))
    port = server.socket.getsockname()[1]
    STATE.issuer = f"https://{config.get('issuerHost', '127.0.0.1')}:{port}{config.get('issuerPath', '')}"
    print(f"port {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
