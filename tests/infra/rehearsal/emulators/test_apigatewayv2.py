"""API Gateway v2 emulators: the API, its integration, routes and stage are in moto as declared."""

from __future__ import annotations

from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.test_corpus import rehearse_case


def test_http_api_has_its_routes_and_default_stage() -> None:
    with rehearse_case("apigatewayv2_http_api_with_route_integration_and_stage") as rehearsal:
        client = rehearsal.session.client("apigatewayv2", region_name=rehearsal.account.region)
        api = rehearsal.result.one("aws:apigatewayv2/api:Api", "api")
        keys = sorted(r["RouteKey"] for r in client.get_routes(ApiId=api.id)["Items"])
        assert keys == ["ANY /{proxy+}", "GET /orders/{id}"], api.urn
        assert client.get_stage(ApiId=api.id, StageName="$default")["AutoDeploy"] is True, api.urn
        stage = rehearsal.result.one("aws:apigatewayv2/stage:Stage", "default")
        for declared in (api, stage):
            assert spec_of(declared.type).arn_pattern().fullmatch(declared.state["arn"]), declared.state[
                "arn"
            ]
