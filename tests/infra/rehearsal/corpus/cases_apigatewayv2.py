"""API Gateway v2 cases."""

from __future__ import annotations

import json

import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid

API = "aws:apigatewayv2/api:Api"
ROUTE = "aws:apigatewayv2/route:Route"
ROUTES = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html"


INTEGRATIONS = "https://docs.aws.amazon.com/apigateway/latest/api/apis-apiid-integrations.html"
LOGGING = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html"
ACCESS_LOG_FORMAT = json.dumps({"requestId": "$context.requestId", "status": "$context.status"})


def _http_api() -> aws.apigatewayv2.Api:
    return aws.apigatewayv2.Api("api", name="orders", protocol_type="HTTP")


@valid("apigatewayv2")
def apigatewayv2_http_api_with_route_integration_and_stage() -> None:
    api = aws.apigatewayv2.Api(
        "api",
        name="orders",
        protocol_type="HTTP",
        cors_configuration={"allow_origins": ["https://shop.example.com"], "allow_methods": ["GET"]},
    )
    integration = aws.apigatewayv2.Integration(
        "backend",
        api_id=api.id,
        integration_type="HTTP_PROXY",
        integration_method="ANY",
        integration_uri="https://backend.example.com/{proxy}",
    )
    aws.apigatewayv2.Route(
        "orders",
        api_id=api.id,
        route_key="GET /orders/{id}",
        target=integration.id.apply(lambda i: f"integrations/{i}"),
    )
    aws.apigatewayv2.Route("proxy", api_id=api.id, route_key="ANY /{proxy+}")
    logs = aws.cloudwatch.LogGroup("api-access", retention_in_days=30)
    aws.apigatewayv2.Stage(
        "default",
        api_id=api.id,
        name="$default",
        auto_deploy=True,
        access_log_settings={"destination_arn": logs.arn, "format": ACCESS_LOG_FORMAT},
    )


@valid("apigatewayv2")
def apigatewayv2_websocket_api_with_mock_integration() -> None:
    api = aws.apigatewayv2.Api(
        "ws", name="chat", protocol_type="WEBSOCKET", route_selection_expression="$request.body.action"
    )
    aws.apigatewayv2.Integration("mock", api_id=api.id, integration_type="MOCK")
    aws.apigatewayv2.Route("connect", api_id=api.id, route_key="$connect")
    aws.apigatewayv2.Stage("prod", api_id=api.id, name="prod")


@refused("apigatewayv2", token=ROUTE, prop="routeKey", source=ROUTES)
def apigatewayv2_route_key_without_method() -> None:
    aws.apigatewayv2.Route("orders", api_id=_http_api().id, route_key="/orders")


@refused("apigatewayv2", token=ROUTE, prop="routeKey", source=ROUTES)
def apigatewayv2_route_key_lowercase_method() -> None:
    aws.apigatewayv2.Route("orders", api_id=_http_api().id, route_key="get /orders")


@refused("apigatewayv2", token=ROUTE, prop="routeKey", source=ROUTES)
def apigatewayv2_route_key_greedy_parameter_in_the_middle() -> None:
    aws.apigatewayv2.Route("orders", api_id=_http_api().id, route_key="GET /{proxy+}/details")


@refused("apigatewayv2", token=API, prop="routeKey", source=ROUTES)
def apigatewayv2_quick_create_route_key_without_slash() -> None:
    aws.apigatewayv2.Api(
        "api", name="orders", protocol_type="HTTP", route_key="POST orders", target="https://example.com"
    )


@refused(
    "apigatewayv2",
    token=API,
    prop="protocolType",
    source="https://docs.aws.amazon.com/apigateway/latest/api/apis.html",
)
def apigatewayv2_rest_protocol() -> None:
    aws.apigatewayv2.Api("api", name="orders", protocol_type="REST")


@refused(
    "apigatewayv2",
    token=API,
    prop="corsConfiguration",
    source="https://docs.aws.amazon.com/apigateway/latest/api/apis.html",
)
def apigatewayv2_cors_on_websocket_api() -> None:
    aws.apigatewayv2.Api(
        "ws",
        name="chat",
        protocol_type="WEBSOCKET",
        route_selection_expression="$request.body.action",
        cors_configuration={"allow_origins": ["*"]},
    )


@refused(
    "apigatewayv2",
    token="aws:apigatewayv2/integration:Integration",
    prop="integrationType",
    source="https://docs.aws.amazon.com/apigateway/latest/api/apis-apiid-integrations.html",
)
def apigatewayv2_mock_integration_on_http_api() -> None:
    aws.apigatewayv2.Integration("mock", api_id=_http_api().id, integration_type="MOCK")


@refused(
    "apigatewayv2",
    token="aws:apigatewayv2/stage:Stage",
    prop="name",
    source="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html",
)
def apigatewayv2_stage_name_with_a_dot() -> None:
    aws.apigatewayv2.Stage("v1", api_id=_http_api().id, name="v1.0")


@refused(
    "apigatewayv2",
    token="aws:apigatewayv2/integration:Integration",
    prop="payloadFormatVersion",
    source=INTEGRATIONS,
)
def apigatewayv2_http_proxy_with_payload_format_2() -> None:
    aws.apigatewayv2.Integration(
        "backend",
        api_id=_http_api().id,
        integration_type="HTTP_PROXY",
        integration_method="ANY",
        integration_uri="https://backend.example.com",
        payload_format_version="2.0",
    )


@refused(
    "apigatewayv2", token="aws:apigatewayv2/stage:Stage", prop="accessLogSettings.format", source=LOGGING
)
def apigatewayv2_access_log_without_request_id() -> None:
    logs = aws.cloudwatch.LogGroup("api-access", retention_in_days=30)
    aws.apigatewayv2.Stage(
        "default",
        api_id=_http_api().id,
        name="$default",
        access_log_settings={
            "destination_arn": logs.arn,
            "format": json.dumps({"ip": "$context.identity.sourceIp", "status": "$context.status"}),
        },
    )


@valid("apigatewayv2")
def apigatewayv2_http_api_with_its_default_route_selection() -> None:
    aws.apigatewayv2.Api(
        "http",
        name="postings",
        protocol_type="HTTP",
        route_selection_expression="${request.method} ${request.path}",
    )


@refused(
    "apigatewayv2",
    token=API,
    prop="routeSelectionExpression",
    source="https://docs.aws.amazon.com/apigateway/latest/api/apis.html",
)
def apigatewayv2_websocket_api_without_route_selection() -> None:
    aws.apigatewayv2.Api("ws", name="chat", protocol_type="WEBSOCKET")


@refused(
    "apigatewayv2",
    token=API,
    prop="routeSelectionExpression",
    source="https://docs.aws.amazon.com/apigateway/latest/api/apis.html",
)
def apigatewayv2_http_api_selecting_routes_by_body() -> None:
    aws.apigatewayv2.Api(
        "http", name="postings", protocol_type="HTTP", route_selection_expression="$request.body.action"
    )


@refused(
    "apigatewayv2",
    token="aws:cognito/userPoolClient:UserPoolClient",
    prop="allowedOauthFlows",
    source="https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints-oauth-grants.html",
)
def apigatewayv2_jwt_authorizer_client_mixing_user_and_machine_grants() -> None:
    pool = aws.cognito.UserPool("users")
    client = aws.cognito.UserPoolClient(
        "api",
        user_pool_id=pool.id,
        generate_secret=True,
        allowed_oauth_flows_user_pool_client=True,
        allowed_oauth_flows=["code", "client_credentials"],
        allowed_oauth_scopes=["openid"],
        callback_urls=["https://app.example.com/callback"],
        supported_identity_providers=["COGNITO"],
    )
    api = aws.apigatewayv2.Api("http", name="postings", protocol_type="HTTP")
    aws.apigatewayv2.Authorizer(
        "jwt",
        api_id=api.id,
        authorizer_type="JWT",
        identity_sources=["$request.header.Authorization"],
        jwt_configuration={"audiences": [client.id], "issuer": pool.endpoint.apply(lambda e: f"https://{e}")},
    )


def _proxy(api: aws.apigatewayv2.Api, timeout: int) -> None:
    aws.apigatewayv2.Integration(
        f"backend-{timeout}",
        api_id=api.id,
        integration_type="HTTP_PROXY",
        integration_method="ANY",
        integration_uri="https://backend.example.com",
        timeout_milliseconds=timeout,
    )


@valid("apigatewayv2")
def apigatewayv2_http_integration_waiting_30_seconds() -> None:
    _proxy(_http_api(), 30_000)


@refused(
    "apigatewayv2",
    token="aws:apigatewayv2/integration:Integration",
    prop="timeoutMilliseconds",
    source=INTEGRATIONS,
)
def apigatewayv2_http_integration_waiting_31_seconds() -> None:
    _proxy(_http_api(), 31_000)


@refused(
    "apigatewayv2",
    token="aws:apigatewayv2/integration:Integration",
    prop="timeoutMilliseconds",
    source=INTEGRATIONS,
)
def apigatewayv2_websocket_integration_waiting_30_seconds() -> None:
    api = aws.apigatewayv2.Api(
        "ws", name="chat", protocol_type="WEBSOCKET", route_selection_expression="$request.body.action"
    )
    aws.apigatewayv2.Integration("mock", api_id=api.id, integration_type="MOCK", timeout_milliseconds=30_000)
