"""API Gateway v2: HTTP and WebSocket APIs, their stages, routes and integrations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from infra.rehearsal.emulation import Context, Resource
from infra.rehearsal.emulators.lambda_ import cors_members
from infra.rehearsal.spec import UNNAMED, Emulated, Naming, Where, emulates, rule

API_TOKEN = "aws:apigatewayv2/api:Api"
ROUTE_TOKEN = "aws:apigatewayv2/route:Route"
INTEGRATION_TOKEN = "aws:apigatewayv2/integration:Integration"
HTTP_ROUTES = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html"
API_REFERENCE = "https://docs.aws.amazon.com/apigateway/latest/api/apis.html"
INTEGRATION_REFERENCE = "https://docs.aws.amazon.com/apigateway/latest/api/apis-apiid-integrations.html"

API_NAME = Naming(
    max_length=128,
    source="https://docs.aws.amazon.com/apigateway/latest/api/apis.html (name: 1-128); the provider's"
    " StringLenBetween(1, 128)",
)
STAGE_NAME = Naming(
    max_length=128,
    pattern=r"\$default|[A-Za-z0-9_-]+",
    source=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html"
        " (letters, digits, - and _, at most 128 characters, or $default)"
    ),
)
HTTP_METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
_PATH = re.compile(r"/|(/([A-Za-z0-9._~:@!$&'()*+,;=-]+|\{[A-Za-z0-9._-]+\}))*(/\{[A-Za-z0-9._-]+\+\})?")
# Integration types an HTTP API accepts; AWS, HTTP and MOCK are for WebSocket APIs only.
HTTP_INTEGRATION_TYPES = ("AWS_PROXY", "HTTP_PROXY")


def _api_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    api_id = str(s.get("id") or name)
    scheme = "wss" if s.get("protocolType") == "WEBSOCKET" else "https"
    return {
        "apiEndpoint": f"{scheme}://{api_id}.execute-api.{where.region}.amazonaws.com",
        "executionArn": f"arn:{where.partition}:execute-api:{where.region}:{where.account_id}:{api_id}",
    }


@emulates(
    API_TOKEN,
    note="apigatewayv2 create_api; the route key grammar and HTTP-only settings are catalogued rules",
    replace_on={"credentialsArn", "protocolType", "routeKey", "target"},
    naming=API_NAME,
    arn="arn:{partition}:apigateway:{region}::/apis/{id}",
    computed=_api_outputs,
)
def api(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"Name": r.physical_name(), "ProtocolType": r.get("protocolType")}
    for key, boto in (
        ("description", "Description"),
        ("routeKey", "RouteKey"),
        ("target", "Target"),
        ("credentialsArn", "CredentialsArn"),
        ("routeSelectionExpression", "RouteSelectionExpression"),
        ("apiKeySelectionExpression", "ApiKeySelectionExpression"),
        ("version", "Version"),
        ("disableExecuteApiEndpoint", "DisableExecuteApiEndpoint"),
        ("ipAddressType", "IpAddressType"),
    ):
        if r.get(key) is not None:
            kwargs[boto] = r.get(key)
    cors = r.get("corsConfiguration")
    if cors:
        configuration = cors_members(cors)
        kwargs["CorsConfiguration"] = configuration
    if r.get("tags"):
        kwargs["Tags"] = dict(r.get("tags"))
    created = ctx.aws(r, "protocolType", "apigatewayv2", "create_api", **kwargs)
    api_id = created["ApiId"]
    return api_id, {
        "arn": f"arn:aws:apigateway:{ctx.region}::/apis/{api_id}",
        "apiEndpoint": created.get("ApiEndpoint", ""),
        "executionArn": ctx.arn("execute-api", api_id),
    }


def _stage_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    api_id, stage = s.get("apiId", ""), s.get("name", name)
    path = "" if stage == "$default" else stage
    return {
        "arn": f"arn:{where.partition}:apigateway:{where.region}::/apis/{api_id}/stages/{stage}",
        "invokeUrl": f"https://{api_id}.execute-api.{where.region}.amazonaws.com/{path}",
        "executionArn": f"arn:{where.partition}:execute-api:{where.region}:{where.account_id}:"
        f"{api_id}/{stage}",
    }


@emulates(
    "aws:apigatewayv2/stage:Stage",
    note="apigatewayv2 create_stage on the API, which must exist",
    replace_on={"apiId", "name"},
    naming=STAGE_NAME,
    arn="arn:{partition}:apigateway:{region}::/apis/{id}/stages/{name}",
    computed=_stage_outputs,
)
def stage(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "ApiId": r.get("apiId"),
        "StageName": name,
        "AutoDeploy": bool(r.get("autoDeploy", False)),
    }
    for key, boto in (
        ("description", "Description"),
        ("deploymentId", "DeploymentId"),
        ("stageVariables", "StageVariables"),
        ("clientCertificateId", "ClientCertificateId"),
    ):
        if r.get(key):
            kwargs[boto] = r.get(key)
    logs = r.get("accessLogSettings")
    if logs:
        kwargs["AccessLogSettings"] = {
            "DestinationArn": logs.get("destinationArn"),
            "Format": logs.get("format"),
        }
    if r.get("tags"):
        kwargs["Tags"] = dict(r.get("tags"))
    ctx.aws(r, "apiId", "apigatewayv2", "create_stage", **kwargs)
    where = Where(ctx.region, ctx.account_id)
    return name, {"name": name, **_stage_outputs(where, name, {"apiId": r.get("apiId"), "name": name})}


@emulates(
    ROUTE_TOKEN,
    note="apigatewayv2 create_route on the API, which must exist; the route key grammar is a catalogued rule",
    replace_on={"apiId"},
    naming=UNNAMED,
    arn="",
)
def route(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"ApiId": r.get("apiId"), "RouteKey": r.get("routeKey")}
    for key, boto in (
        ("target", "Target"),
        ("authorizationType", "AuthorizationType"),
        ("authorizerId", "AuthorizerId"),
        ("apiKeyRequired", "ApiKeyRequired"),
        ("operationName", "OperationName"),
        ("authorizationScopes", "AuthorizationScopes"),
        ("routeResponseSelectionExpression", "RouteResponseSelectionExpression"),
    ):
        if r.get(key) is not None:
            kwargs[boto] = r.get(key)
    created = ctx.aws(r, "apiId", "apigatewayv2", "create_route", **kwargs)
    return created["RouteId"], {}


@emulates(
    INTEGRATION_TOKEN,
    note="apigatewayv2 create_integration on the API, which must exist",
    replace_on={"apiId", "integrationSubtype", "integrationType"},
    naming=UNNAMED,
    arn="",
)
def integration(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {"ApiId": r.get("apiId"), "IntegrationType": r.get("integrationType")}
    for key, boto in (
        ("integrationUri", "IntegrationUri"),
        ("integrationMethod", "IntegrationMethod"),
        ("integrationSubtype", "IntegrationSubtype"),
        ("payloadFormatVersion", "PayloadFormatVersion"),
        ("connectionType", "ConnectionType"),
        ("connectionId", "ConnectionId"),
        ("credentialsArn", "CredentialsArn"),
        ("description", "Description"),
        ("passthroughBehavior", "PassthroughBehavior"),
        ("requestParameters", "RequestParameters"),
        ("requestTemplates", "RequestTemplates"),
        ("templateSelectionExpression", "TemplateSelectionExpression"),
    ):
        if r.get(key) is not None:
            kwargs[boto] = r.get(key)
    if r.get("timeoutMilliseconds") is not None:
        kwargs["TimeoutInMillis"] = int(r.get("timeoutMilliseconds"))
    created = ctx.aws(r, "integrationType", "apigatewayv2", "create_integration", **kwargs)
    return created["IntegrationId"], {
        "integrationResponseSelectionExpression": created.get("IntegrationResponseSelectionExpression", "")
    }


def _protocol_of(ctx: Context, r: Resource) -> str | None:
    if r.type == API_TOKEN:
        return str(r.get("protocolType")) if r.get("protocolType") else None
    try:
        return str(ctx.client("apigatewayv2").get_api(ApiId=r.get("apiId"))["ProtocolType"])
    except Exception:  # an unknown API is the emulator's refusal to make
        return None


def http_route_key_problem(key: str) -> str | None:
    """Why an HTTP API refuses a route key (`$default` or `METHOD /path`), or None."""
    if key == "$default":
        return None
    method, _, path = key.partition(" ")
    if method not in HTTP_METHODS:
        return f"route key {key!r}: the method must be one of {', '.join(HTTP_METHODS)} (or the key $default)"
    if not _PATH.fullmatch(path):
        return (
            f"route key {key!r}: the path must start with / and use {{name}} parameters, with a greedy "
            "{name+} only at the end"
        )
    return None


@rule(
    "apigatewayv2-http-route-key",
    (API_TOKEN, ROUTE_TOKEN),
    prop="routeKey",
    summary="An HTTP API's route key is $default or `METHOD /path`",
    source=HTTP_ROUTES,
)
def _route_key(ctx: Context, r: Resource) -> str | None:
    key = r.get("routeKey")
    if not isinstance(key, str) or _protocol_of(ctx, r) != "HTTP":
        return None
    return http_route_key_problem(key)


HTTP_ROUTE_SELECTION = "${request.method} ${request.path}"


@rule(
    "apigatewayv2-route-selection-expression",
    API_TOKEN,
    prop="routeSelectionExpression",
    summary="A WebSocket API has a route selection expression; an HTTP API's, if given, is "
    "${request.method} ${request.path}",
    source=f"{API_REFERENCE} (routeSelectionExpression: required for WebSocket APIs; for HTTP APIs it must"
    " be ${{request.method}} ${{request.path}})",
)
def _route_selection(ctx: Context, r: Resource) -> str | None:
    expression, protocol = r.get("routeSelectionExpression"), r.get("protocolType")
    if protocol == "WEBSOCKET" and not expression:
        return "a WebSocket API needs routeSelectionExpression (for example $request.body.action)"
    if protocol == "HTTP" and expression and expression != HTTP_ROUTE_SELECTION:
        return f"an HTTP API routes by {HTTP_ROUTE_SELECTION!r} (or gives none), not {expression!r}"
    return None


@rule(
    "apigatewayv2-cors-http-only",
    API_TOKEN,
    prop="corsConfiguration",
    summary="CORS configuration is for HTTP APIs only",
    source=API_REFERENCE,
)
def _cors(ctx: Context, r: Resource) -> str | None:
    if not r.get("corsConfiguration") or r.get("protocolType") != "WEBSOCKET":
        return None
    return "corsConfiguration is supported only for HTTP APIs"


@rule(
    "apigatewayv2-http-integration-type",
    INTEGRATION_TOKEN,
    prop="integrationType",
    summary="An HTTP API integrates with AWS_PROXY or HTTP_PROXY",
    source=INTEGRATION_REFERENCE,
)
def _integration_type(ctx: Context, r: Resource) -> str | None:
    kind = r.get("integrationType")
    if kind is None or kind in HTTP_INTEGRATION_TYPES or _protocol_of(ctx, r) != "HTTP":
        return None
    return f"integrationType {kind} is for WebSocket APIs only; an HTTP API uses AWS_PROXY or HTTP_PROXY"


@rule(
    "apigatewayv2-payload-format-version",
    INTEGRATION_TOKEN,
    prop="payloadFormatVersion",
    summary="Payload format 2.0 is for Lambda proxy (AWS_PROXY) integrations; any other takes 1.0",
    source=f"{INTEGRATION_REFERENCE} (payloadFormatVersion: supported values for Lambda proxy integrations"
    " are 1.0 and 2.0; for all other integrations, 1.0 is the only supported value)",
)
def _payload_format(ctx: Context, r: Resource) -> str | None:
    version, kind = r.get("payloadFormatVersion"), r.get("integrationType")
    if version in (None, "1.0") or kind in (None, "AWS_PROXY"):
        return None
    return f"payload format {version} is for Lambda proxy integrations; a {kind} integration takes 1.0"


TIMEOUT_MILLIS = {"HTTP": (50, 30_000), "WEBSOCKET": (50, 29_000)}


@rule(
    "apigatewayv2-integration-timeout",
    INTEGRATION_TOKEN,
    prop="timeoutMilliseconds",
    summary="An integration times out after 50-30000 ms on an HTTP API, 50-29000 ms on a WebSocket API",
    source=f"{INTEGRATION_REFERENCE} (timeoutInMillis: between 50 and 29,000 milliseconds for WebSocket APIs"
    " and between 50 and 30,000 milliseconds for HTTP APIs)",
)
def _integration_timeout(ctx: Context, r: Resource) -> str | None:
    timeout = r.get("timeoutMilliseconds")
    protocol = _protocol_of(ctx, r)
    if timeout is None or protocol not in TIMEOUT_MILLIS:
        return None
    low, high = TIMEOUT_MILLIS[protocol]
    if low <= int(timeout) <= high:
        return None
    return f"timeoutMilliseconds is {int(timeout)}; a {protocol} API's integration takes {low}-{high}"


HTTP_API_LOGGING = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html"


@rule(
    "apigatewayv2-access-log-request-id",
    "aws:apigatewayv2/stage:Stage",
    prop="accessLogSettings.format",
    summary="A stage's access log format includes $context.requestId or $context.extendedRequestId",
    source=f"{HTTP_API_LOGGING} (the log format must include at least $context.requestId or"
    " $context.extendedRequestId)",
)
def _access_log_request_id(ctx: Context, r: Resource) -> str | None:
    settings = r.get("accessLogSettings")
    log_format = settings.get("format") if isinstance(settings, Mapping) else None
    if not isinstance(log_format, str) or re.search(r"\$context\.(extendedR|r)equestId", log_format):
        return None
    return "the access log format has neither $context.requestId nor $context.extendedRequestId"
