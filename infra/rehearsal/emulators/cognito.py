"""Amazon Cognito user pools: no emulator (inputs model-checked, `modelcheck`); rules beyond the model."""

from __future__ import annotations

from infra.rehearsal.emulation import Context, Resource
from infra.rehearsal.spec import rule

CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
CREATE_CLIENT = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html"


@rule(
    "cognito-client-callback-https",
    CLIENT,
    prop="callbackUrls",
    summary="A client's callback and logout URLs use HTTPS, except http://localhost for testing",
    source=f"{CREATE_CLIENT} (CallbackURLs: Amazon Cognito requires HTTPS over HTTP except for"
    " http://localhost for testing purposes only)",
)
def _callback_https(ctx: Context, r: Resource) -> tuple[str, str] | None:
    for prop in ("callbackUrls", "logoutUrls", "defaultRedirectUri"):
        urls = r.get(prop)
        for url in urls if isinstance(urls, list) else [urls]:
            if isinstance(url, str) and url.startswith("http://") and not _is_localhost(url):
                return (
                    prop,
                    f"{url!r} is plain HTTP: use https:// (only http://localhost is allowed, for testing)",
                )
    return None


def _is_localhost(url: str) -> bool:
    host = url.removeprefix("http://").split("/", 1)[0].split(":", 1)[0]
    return host == "localhost"


@rule(
    "cognito-client-oauth-enabled",
    CLIENT,
    prop="allowedOauthFlowsUserPoolClient",
    summary="A client with OAuth flows, scopes or callback URLs has allowedOauthFlowsUserPoolClient true",
    source=f"{CREATE_CLIENT} (AllowedOAuthFlowsUserPoolClient must be true before you can configure"
    " CallBackURLs, LogoutURLs, AllowedOAuthScopes and AllowedOAuthFlows)",
)
def _oauth_enabled(ctx: Context, r: Resource) -> str | None:
    configured = [
        p for p in ("allowedOauthFlows", "allowedOauthScopes", "callbackUrls", "logoutUrls") if r.get(p)
    ]
    if configured and r.get("allowedOauthFlowsUserPoolClient") is not True:
        return f"{configured[0]} is set, so allowedOauthFlowsUserPoolClient must be true"
    return None


@rule(
    "cognito-client-credentials-alone",
    CLIENT,
    prop="allowedOauthFlows",
    summary="A client allows the client_credentials grant alone, not with the code or implicit grants",
    source="https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints-oauth-grants.html"
    " (you can't enable client credentials grants in the same app client as either implicit or authorization"
    " code grants)",
)
def _client_credentials_alone(ctx: Context, r: Resource) -> str | None:
    flows = r.get("allowedOauthFlows") or []
    others = [f for f in flows if f in ("code", "implicit")]
    if "client_credentials" in flows and others:
        return (
            f"client_credentials cannot be allowed together with {' and '.join(others)}: use two app clients"
        )
    return None
