"""Lambda cases."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from tests.infra.rehearsal.corpus import refused, valid
from tests.infra.rehearsal.corpus.common import role

FUNCTION = "aws:lambda/function:Function"
PROVIDER_FUNCTION = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/lambda/function.go"
)
CREATE_FUNCTION = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"
CODE = pulumi.AssetArchive(
    {"main.py": pulumi.StringAsset("def handler(event, context):\n    return event\n")}
)


def _function(logical: str = "fn", **overrides: Any) -> aws.lambda_.Function:
    args: dict[str, Any] = {
        "role": role(f"{logical}-role", "lambda.amazonaws.com").arn,
        "runtime": "python3.12",
        "handler": "main.handler",
        "code": CODE,
    }
    args.update(overrides)
    return aws.lambda_.Function(logical, **args)


@valid("lambda")
def lambda_function_with_alias_url_and_layer() -> None:
    layer = aws.lambda_.LayerVersion(
        "deps", layer_name="deps", code=CODE, compatible_runtimes=["python3.12", "python3.13"]
    )
    fn = _function(
        memory_size=512,
        timeout=30,
        layers=[layer.arn],
        architectures=["arm64"],
        environment={"variables": {"STAGE": "dev"}},
        reserved_concurrent_executions=10,
    )
    aws.lambda_.Alias("live", name="live", function_name=fn.name, function_version="$LATEST")
    aws.lambda_.FunctionUrl(
        "url",
        function_name=fn.name,
        authorization_type="AWS_IAM",
        cors={"allow_origins": ["https://example.com"], "allow_methods": ["GET"], "max_age": 300},
    )


@valid("lambda")
def lambda_function_invoked_by_sns_and_sqs() -> None:
    fn = _function(timeout=60)
    topic = aws.sns.Topic("events")
    aws.lambda_.Permission(
        "from-sns",
        action="lambda:InvokeFunction",
        function=fn.name,
        principal="sns.amazonaws.com",
        source_arn=topic.arn,
    )
    queue = aws.sqs.Queue("work", visibility_timeout_seconds=360)
    aws.lambda_.EventSourceMapping(
        "from-sqs", event_source_arn=queue.arn, function_name=fn.arn, batch_size=10
    )


@refused("lambda", token=FUNCTION, prop="memorySize", source=PROVIDER_FUNCTION)
def lambda_memory_of_sixteen_gib() -> None:
    _function(memory_size=16_384)


@refused("lambda", token=FUNCTION, prop="memorySize", source=PROVIDER_FUNCTION)
def lambda_memory_of_64_mb() -> None:
    _function(memory_size=64)


@refused("lambda", token=FUNCTION, prop="timeout", source=PROVIDER_FUNCTION)
def lambda_timeout_of_half_an_hour() -> None:
    _function(timeout=1800)


@refused("lambda", token=FUNCTION, prop="timeout", source=PROVIDER_FUNCTION)
def lambda_timeout_of_zero() -> None:
    _function(timeout=0)


@refused(
    "lambda",
    token=FUNCTION,
    prop="runtime",
    source="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated",
)
def lambda_python37_runtime() -> None:
    _function(runtime="python3.7")


@refused(
    "lambda",
    token=FUNCTION,
    prop="runtime",
    source="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated",
)
def lambda_go1x_runtime() -> None:
    _function(runtime="go1.x", handler="bootstrap")


@refused("lambda", token=FUNCTION, prop="runtime", source=CREATE_FUNCTION)
def lambda_runtime_without_minor_version() -> None:
    _function(runtime="python3")


@refused("lambda", token=FUNCTION, prop="handler", source=PROVIDER_FUNCTION)
def lambda_zip_function_without_handler() -> None:
    _function(handler=None)


@refused("lambda", token=FUNCTION, prop="runtime", source=PROVIDER_FUNCTION)
def lambda_zip_function_without_runtime() -> None:
    _function(runtime=None)


@refused(
    "lambda",
    token=FUNCTION,
    prop="reservedConcurrentExecutions",
    source="https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
)
def lambda_reserving_the_whole_account_concurrency() -> None:
    _function(reserved_concurrent_executions=1000)


@refused("lambda", token=FUNCTION, prop="name", source=CREATE_FUNCTION)
def lambda_function_name_with_dots() -> None:
    _function(name="orders.handler")


@refused("lambda", token=FUNCTION, prop="role", source=CREATE_FUNCTION)
def lambda_role_that_does_not_exist() -> None:
    _function(role="arn:aws:iam::123456789012:role/no-such-role")


@refused(
    "lambda",
    token="aws:lambda/eventSourceMapping:EventSourceMapping",
    prop="eventSourceArn",
    source="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
)
def lambda_sqs_visibility_shorter_than_function_timeout() -> None:
    fn = _function(timeout=300)
    queue = aws.sqs.Queue("work", visibility_timeout_seconds=30)
    aws.lambda_.EventSourceMapping("from-sqs", event_source_arn=queue.arn, function_name=fn.name)


@refused(
    "lambda",
    token="aws:lambda/eventSourceMapping:EventSourceMapping",
    prop="eventSourceArn",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
)
def lambda_event_source_queue_that_does_not_exist() -> None:
    fn = _function()
    aws.lambda_.EventSourceMapping(
        "from-sqs", event_source_arn="arn:aws:sqs:eu-west-1:123456789012:missing", function_name=fn.name
    )


@refused(
    "lambda",
    token="aws:lambda/permission:Permission",
    prop="action",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html",
)
def lambda_permission_with_an_sns_action() -> None:
    fn = _function()
    aws.lambda_.Permission("from-sns", action="sns:Publish", function=fn.name, principal="sns.amazonaws.com")


@refused(
    "lambda",
    token="aws:lambda/alias:Alias",
    prop="name",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html",
)
def lambda_alias_named_by_a_version_number() -> None:
    fn = _function()
    aws.lambda_.Alias("v2", name="2", function_name=fn.name, function_version="$LATEST")


@refused(
    "lambda",
    token="aws:lambda/functionUrl:FunctionUrl",
    prop="authorizationType",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html",
)
def lambda_function_url_with_cognito_auth() -> None:
    fn = _function()
    aws.lambda_.FunctionUrl("url", function_name=fn.name, authorization_type="COGNITO")


@refused(
    "lambda",
    token="aws:lambda/layerVersion:LayerVersion",
    prop="compatibleRuntimes",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html",
)
def lambda_layer_for_an_unknown_runtime() -> None:
    aws.lambda_.LayerVersion("deps", layer_name="deps", code=CODE, compatible_runtimes=["python4.0"])


@refused(
    "lambda",
    token=FUNCTION,
    prop="environment",
    source="https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime",
)
def lambda_function_setting_a_reserved_environment_variable() -> None:
    _function(environment={"variables": {"AWS_REGION": "eu-west-1", "STAGE": "prod"}})


ESM = "aws:lambda/eventSourceMapping:EventSourceMapping"
CREATE_ESM = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"
SNAPSTART = "https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html#snapstart-runtimes"


def _stream_table() -> aws.dynamodb.Table:
    return aws.dynamodb.Table(
        "orders",
        billing_mode="PAY_PER_REQUEST",
        hash_key="pk",
        attributes=[{"name": "pk", "type": "S"}],
        stream_enabled=True,
        stream_view_type="NEW_IMAGE",
    )


@valid("lambda")
def lambda_snapstart_alias_and_batched_event_sources() -> None:
    fn = _function(
        timeout=30, runtime="python3.13", publish=True, snap_start={"apply_on": "PublishedVersions"}
    )
    # Auto-named, as the provider names an alias without `name`.
    aws.lambda_.Alias("live", function_name=fn.name, function_version="$LATEST")
    _function(
        "java",
        runtime="java21",
        handler="example.Handler::handleRequest",
        publish=True,
        snap_start={"apply_on": "PublishedVersions"},
    )
    work = aws.sqs.Queue("work", visibility_timeout_seconds=180)
    aws.lambda_.EventSourceMapping(
        "from-sqs",
        event_source_arn=work.arn,
        function_name=fn.arn,
        batch_size=100,
        maximum_batching_window_in_seconds=5,
    )
    jobs = aws.sqs.Queue("jobs", name="jobs.fifo", fifo_queue=True, visibility_timeout_seconds=180)
    aws.lambda_.EventSourceMapping(
        "from-fifo", event_source_arn=jobs.arn, function_name=fn.arn, batch_size=10
    )
    aws.lambda_.EventSourceMapping(
        "from-stream",
        event_source_arn=_stream_table().stream_arn,
        function_name=fn.arn,
        starting_position="LATEST",
    )


@refused("lambda", token=ESM, prop="batchSize", source=CREATE_ESM)
def lambda_sqs_batch_of_100_without_a_batching_window() -> None:
    fn = _function(timeout=30)
    queue = aws.sqs.Queue("work", visibility_timeout_seconds=180)
    aws.lambda_.EventSourceMapping(
        "from-sqs", event_source_arn=queue.arn, function_name=fn.arn, batch_size=100
    )


@refused("lambda", token=ESM, prop="batchSize", source=CREATE_ESM)
def lambda_fifo_queue_batch_of_20() -> None:
    fn = _function(timeout=30)
    queue = aws.sqs.Queue("jobs", name="jobs.fifo", fifo_queue=True, visibility_timeout_seconds=180)
    aws.lambda_.EventSourceMapping(
        "from-fifo",
        event_source_arn=queue.arn,
        function_name=fn.arn,
        batch_size=20,
        maximum_batching_window_in_seconds=5,
    )


@refused("lambda", token=ESM, prop="startingPosition", source=CREATE_ESM)
def lambda_dynamodb_stream_without_a_starting_position() -> None:
    fn = _function(timeout=30)
    aws.lambda_.EventSourceMapping(
        "from-stream", event_source_arn=_stream_table().stream_arn, function_name=fn.arn, batch_size=100
    )


@refused("lambda", token=FUNCTION, prop="snapStart", source=SNAPSTART)
def lambda_snapstart_on_python311() -> None:
    _function(runtime="python3.11", publish=True, snap_start={"apply_on": "PublishedVersions"})


@refused("lambda", token=FUNCTION, prop="snapStart", source=SNAPSTART)
def lambda_snapstart_on_nodejs() -> None:
    _function(
        runtime="nodejs22.x",
        handler="index.handler",
        publish=True,
        snap_start={"apply_on": "PublishedVersions"},
    )


@refused("lambda", token=FUNCTION, prop="layers", source=CREATE_FUNCTION)
def lambda_layer_version_that_does_not_exist() -> None:
    _function(layers=["arn:aws:lambda:eu-west-1:123456789012:layer:missing:1"])


@refused(
    "lambda",
    token=FUNCTION,
    prop="layers",
    source="https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html",
)
def lambda_function_with_six_layers() -> None:
    layers = [
        aws.lambda_.LayerVersion(
            f"deps-{i}", layer_name=f"deps-{i}", code=CODE, compatible_runtimes=["python3.12"]
        )
        for i in range(6)
    ]
    _function(layers=[layer.arn for layer in layers])


LOG_LEVELS = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html"


@valid("lambda")
def lambda_function_filtering_json_logs_by_level() -> None:
    _function(
        logging_config={"log_format": "JSON", "application_log_level": "WARN", "system_log_level": "INFO"}
    )


@refused("lambda", token=FUNCTION, prop="loggingConfig", source=LOG_LEVELS)
def lambda_function_log_level_with_text_logs() -> None:
    _function(logging_config={"log_format": "Text", "application_log_level": "DEBUG"})


@valid("lambda")
def lambda_function_with_an_sns_dead_letter_topic() -> None:
    topic = aws.sns.Topic("failures")
    _function(dead_letter_config={"target_arn": topic.arn})


@refused(
    "lambda",
    token=FUNCTION,
    prop="deadLetterConfig",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_DeadLetterConfig.html",
)
def lambda_function_dead_letters_to_a_table() -> None:
    table = aws.dynamodb.Table(
        "failures", billing_mode="PAY_PER_REQUEST", hash_key="id", attributes=[{"name": "id", "type": "S"}]
    )
    _function(dead_letter_config={"target_arn": table.arn})


@valid("lambda")
def lambda_function_with_ten_gib_of_tmp() -> None:
    _function(ephemeral_storage={"size": 10240}, memory_size=10240)


@refused("lambda", token=FUNCTION, prop="ephemeralStorage.size", source=PROVIDER_FUNCTION)
def lambda_function_with_twenty_gib_of_tmp() -> None:
    _function(ephemeral_storage={"size": 20480})
