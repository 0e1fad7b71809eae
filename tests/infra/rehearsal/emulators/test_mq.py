"""Amazon MQ emulators: a configuration is in moto with its data as the latest revision."""

from __future__ import annotations

import base64

from infra.rehearsal.spec import spec_of
from tests.infra.rehearsal.corpus.cases_mq import RABBITMQ_CONFIG
from tests.infra.rehearsal.test_corpus import rehearse_case


def test_configuration_holds_the_declared_data() -> None:
    with rehearse_case("mq_rabbitmq_cluster_with_configuration") as rehearsal:
        config = rehearsal.result.one("aws:mq/configuration:Configuration", "broker-config")
        client = rehearsal.session.client("mq", region_name=rehearsal.account.region)
        described = client.describe_configuration(ConfigurationId=config.id)
        assert (described["EngineType"], described["EngineVersion"]) == ("RABBITMQ", "3.13"), config.urn
        revision = client.describe_configuration_revision(
            ConfigurationId=config.id, ConfigurationRevision=str(described["LatestRevision"]["Revision"])
        )
        assert base64.b64decode(revision["Data"]).decode() == RABBITMQ_CONFIG, config.urn
        assert config.state["latestRevision"] == described["LatestRevision"]["Revision"], config.urn
        assert spec_of(config.type).arn_pattern().fullmatch(config.state["arn"]), config.state["arn"]
