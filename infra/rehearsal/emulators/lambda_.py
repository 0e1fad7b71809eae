"""Lambda: functions, permissions, event source mappings, layer versions, aliases and function URLs."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from infra.rehearsal.emulation import Context, EmulationError, Resource
from infra.rehearsal.emulators.sqs import int_between_rule, queue_name_from_arn
from infra.rehearsal.spec import EVERY_INPUT, UNNAMED, Emulated, Naming, Where, emulates, rule

FUNCTION_TOKEN = "aws:lambda/function:Function"
ESM_TOKEN = "aws:lambda/eventSourceMapping:EventSourceMapping"
PROVIDER_FUNCTION = (
    "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/lambda/function.go"
)
CREATE_FUNCTION = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"

FUNCTION_NAME = Naming(
    max_length=64,
    pattern=r"[a-zA-Z0-9_-]+",
    source=f"{CREATE_FUNCTION} (FunctionName: a name alone is 1-64 letters, digits, - and _)",
)
STATEMENT_ID = Naming(
    key="statementId",
    max_length=100,
    pattern=r"[0-9A-Za-z_-]+",
    source=(
        "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html (StatementId: 1-100 of"
        " [a-zA-Z0-9-_]); the provider's validPolicyStatementID"
    ),
)
LAYER_NAME = Naming(
    key="layerName",
    max_length=140,
    pattern=r"[a-zA-Z0-9_-]+",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html (LayerName: 1-140)",
)
ALIAS_NAME = Naming(
    max_length=128,
    pattern=r"(?!^[0-9]+$)[a-zA-Z0-9_-]+",
    source=(
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html"
        " (Name: 1-128 letters, digits, - and _, not only digits)"
    ),
)

MEMORY_MB = (128, 10_240)
TIMEOUT_S = (1, 900)
UNRESERVED_MINIMUM = 100
DEFAULT_CONCURRENCY_LIMIT = 1000
DEFAULT_TIMEOUT_S = 3

# Runtime -> the date Lambda stopped creating functions with it (the "Block function create" column of
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated).
CREATE_BLOCKED = {
    "nodejs": date(2016, 10, 31),
    "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2019, 3, 31),
    "nodejs6.10": date(2019, 8, 12),
    "nodejs8.10": date(2020, 1, 6),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs14.x": date(2024, 1, 9),
    "nodejs16.x": date(2025, 10, 1),
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 8, 29),
    "python3.7": date(2024, 1, 9),
    "python3.8": date(2025, 10, 1),
    "java8": date(2024, 2, 8),
    "go1.x": date(2024, 2, 8),
    "provided": date(2024, 2, 8),
    "ruby2.5": date(2021, 7, 30),
    "ruby2.7": date(2024, 1, 9),
    "dotnetcore1.0": date(2019, 6, 27),
    "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet6": date(2025, 10, 1),
}


def _asset_bytes(asset: Any) -> bytes:
    text = getattr(asset, "text", None)
    if text is None and isinstance(asset, Mapping):
        text = asset.get("text")
    if text is not None:
        return str(text).encode()
    path = getattr(asset, "path", None) or (asset.get("path") if isinstance(asset, Mapping) else None)
    if path and Path(str(path)).is_file():
        return Path(str(path)).read_bytes()
    return b""


def zip_bytes(archive: Any) -> bytes:
    """The .zip the provider would upload for a Pulumi archive (an asset archive, a .zip file or a folder):
    moto keeps the code without running it, so only its bytes matter."""
    assets = getattr(archive, "assets", None)
    if assets is None and isinstance(archive, Mapping):
        assets = archive.get("assets")
    path = getattr(archive, "path", None) or (archive.get("path") if isinstance(archive, Mapping) else None)
    if path and Path(str(path)).is_file():
        return Path(str(path)).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        if isinstance(assets, Mapping):
            for name, asset in sorted(assets.items()):
                bundle.writestr(str(name), _asset_bytes(asset))
        elif path and Path(str(path)).is_dir():
            for file in sorted(Path(str(path)).rglob("*")):
                if file.is_file():
                    bundle.write(file, os.path.relpath(file, str(path)))
        else:
            bundle.writestr("index.py", b"")
    return buffer.getvalue()


def _code(r: Resource) -> dict[str, Any]:
    if r.get("imageUri"):
        return {"ImageUri": r.get("imageUri")}
    if r.get("s3Bucket") or r.get("s3Key"):
        code = {"S3Bucket": r.get("s3Bucket"), "S3Key": r.get("s3Key")}
        if r.get("s3ObjectVersion"):
            code["S3ObjectVersion"] = r.get("s3ObjectVersion")
        return code
    return {"ZipFile": zip_bytes(r.get("code"))}


def invoke_arn(region: str, function_arn: str) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def _function_outputs(where: Where, name: str, s: Mapping[str, Any]) -> dict[str, Any]:
    arn = str(s.get("arn", ""))
    return {
        "invokeArn": invoke_arn(where.region, arn),
        "qualifiedArn": f"{arn}:$LATEST",
        "qualifiedInvokeArn": invoke_arn(where.region, f"{arn}:$LATEST"),
        "version": "$LATEST",
    }


def _whole(value: Any) -> Any:
    """Pulumi sends numbers as floats; the provider's integer inputs reach AWS as integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _optional(r: Resource, mapping: Mapping[str, str]) -> dict[str, Any]:
    return {boto: _whole(r.get(key)) for key, boto in mapping.items() if r.get(key) is not None}


# A create_function refusal blamed on the input its message is about (a missing role, a layer version).
_BLAMED_BY_MESSAGE = (("layers", "layerversion"), ("role", "role"))


@emulates(
    FUNCTION_TOKEN,
    note="create_function (a .zip built from the program's archive; moto checks the role exists and does not"
    " run the code), put_function_concurrency",
    replace_on={"name", "packageType", "tenancyConfig"},
    naming=FUNCTION_NAME,
    arn="arn:{partition}:lambda:{region}:{account}:function:{name}",
    computed=_function_outputs,
)
def function(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    package_type = r.get("packageType", "Zip")
    kwargs: dict[str, Any] = {
        "FunctionName": name,
        "Role": r.get("role"),
        "Code": _code(r),
        "Timeout": _whole(r.get("timeout", DEFAULT_TIMEOUT_S)),
        "MemorySize": _whole(r.get("memorySize", MEMORY_MB[0])),
        "Publish": bool(r.get("publish", False)),
        "PackageType": package_type,
        "Tags": dict(r.get("tags", {})),
    }
    if package_type == "Zip":
        kwargs.update(_optional(r, {"handler": "Handler", "runtime": "Runtime"}))
    kwargs.update(
        _optional(
            r,
            {
                "description": "Description",
                "kmsKeyArn": "KMSKeyArn",
                "layers": "Layers",
                "architectures": "Architectures",
            },
        )
    )
    variables = (r.get("environment") or {}).get("variables")
    if variables:
        kwargs["Environment"] = {"Variables": {k: str(v) for k, v in variables.items()}}
    vpc = r.get("vpcConfig")
    if vpc:
        kwargs["VpcConfig"] = {
            "SubnetIds": list(vpc.get("subnetIds", [])),
            "SecurityGroupIds": list(vpc.get("securityGroupIds", [])),
        }
    if r.get("deadLetterConfig"):
        kwargs["DeadLetterConfig"] = {"TargetArn": r.get("deadLetterConfig").get("targetArn")}
    if r.get("tracingConfig"):
        kwargs["TracingConfig"] = {"Mode": r.get("tracingConfig").get("mode")}
    if (r.get("ephemeralStorage") or {}).get("size") is not None:
        kwargs["EphemeralStorage"] = {"Size": _whole(r.get("ephemeralStorage")["size"])}
    logging = r.get("loggingConfig")
    if logging:
        kwargs["LoggingConfig"] = {
            boto: logging[key]
            for key, boto in (
                ("logFormat", "LogFormat"),
                ("logGroup", "LogGroup"),
                ("applicationLogLevel", "ApplicationLogLevel"),
                ("systemLogLevel", "SystemLogLevel"),
            )
            if logging.get(key)
        }
    try:
        created = ctx.aws(r, "name", "lambda", "create_function", **kwargs)
    except EmulationError as err:
        blamed = next((p for p, word in _BLAMED_BY_MESSAGE if word in err.aws_message.lower()), None)
        if blamed is None or err.prop != "name":
            raise
        raise EmulationError(r.urn, blamed, err.code, err.aws_message, err.source) from err
    reserved = r.get("reservedConcurrentExecutions")
    if reserved is not None and int(reserved) >= 0:
        ctx.aws(
            r,
            "reservedConcurrentExecutions",
            "lambda",
            "put_function_concurrency",
            FunctionName=name,
            ReservedConcurrentExecutions=int(reserved),
        )
    arn = created["FunctionArn"]
    code = kwargs["Code"].get("ZipFile", b"")
    return name, {
        "name": name,
        "arn": arn,
        "invokeArn": invoke_arn(ctx.region, arn),
        "qualifiedArn": f"{arn}:{created.get('Version', '$LATEST')}",
        "qualifiedInvokeArn": invoke_arn(ctx.region, f"{arn}:{created.get('Version', '$LATEST')}"),
        "version": created.get("Version", "$LATEST"),
        "lastModified": created.get("LastModified", ""),
        "sourceCodeHash": base64.b64encode(hashlib.sha256(code).digest()).decode(),
        "sourceCodeSize": created.get("CodeSize", len(code)),
        "reservedConcurrentExecutions": -1 if reserved is None else reserved,
    }


@emulates(
    "aws:lambda/permission:Permission",
    note="add_permission on the function, which must exist",
    replace_on={EVERY_INPUT},
    naming=STATEMENT_ID,
    arn="",
)
def permission(ctx: Context, r: Resource) -> Emulated:
    statement = r.physical_name()
    kwargs = {
        "FunctionName": r.get("function"),
        "StatementId": statement,
        "Action": r.get("action"),
        "Principal": r.get("principal"),
        **_optional(
            r,
            {
                "sourceArn": "SourceArn",
                "sourceAccount": "SourceAccount",
                "qualifier": "Qualifier",
                "eventSourceToken": "EventSourceToken",
                "principalOrgId": "PrincipalOrgID",
                "functionUrlAuthType": "FunctionUrlAuthType",
            },
        ),
    }
    ctx.aws(r, "function", "lambda", "add_permission", **kwargs)
    return statement, {"statementId": statement}


@emulates(
    ESM_TOKEN,
    note="create_event_source_mapping; moto checks the function and the SQS queue, DynamoDB stream or Kinesis"
    " stream exist",
    replace_on={
        "amazonManagedKafkaEventSourceConfig",
        "eventSourceArn",
        "queues",
        "selfManagedEventSource",
        "selfManagedKafkaEventSourceConfig",
        "startingPosition",
        "startingPositionTimestamp",
        "topics",
    },
    naming=UNNAMED,
    arn="arn:{partition}:lambda:{region}:{account}:event-source-mapping:{id}",
)
def event_source_mapping(ctx: Context, r: Resource) -> Emulated:
    kwargs: dict[str, Any] = {
        "FunctionName": r.get("functionName"),
        "EventSourceArn": r.get("eventSourceArn"),
        "Enabled": bool(r.get("enabled", True)),
        **_optional(
            r,
            {
                "batchSize": "BatchSize",
                "startingPosition": "StartingPosition",
                "maximumBatchingWindowInSeconds": "MaximumBatchingWindowInSeconds",
                "maximumRetryAttempts": "MaximumRetryAttempts",
                "maximumRecordAgeInSeconds": "MaximumRecordAgeInSeconds",
                "parallelizationFactor": "ParallelizationFactor",
                "bisectBatchOnFunctionError": "BisectBatchOnFunctionError",
                "functionResponseTypes": "FunctionResponseTypes",
                "tumblingWindowInSeconds": "TumblingWindowInSeconds",
            },
        ),
    }
    scaling = r.get("scalingConfig")
    if scaling and scaling.get("maximumConcurrency") is not None:
        kwargs["ScalingConfig"] = {"MaximumConcurrency": _whole(scaling["maximumConcurrency"])}
    try:
        created = ctx.aws(r, "eventSourceArn", "lambda", "create_event_source_mapping", **kwargs)
    except ValueError as err:  # moto raises its refusals of a batch size or source type as ValueError
        code, message = err.args if len(err.args) == 2 else ("InvalidParameterValueException", str(err))
        blamed = "batchSize" if "BatchSize" in str(message) else "eventSourceArn"
        raise EmulationError(r.urn, blamed, str(code), str(message)) from err
    uuid = created["UUID"]
    return uuid, {
        "uuid": uuid,
        "arn": ctx.arn("lambda", f"event-source-mapping:{uuid}"),
        "functionArn": created.get("FunctionArn", ""),
        "state": created.get("State", "Enabled"),
        "lastModified": str(created.get("LastModified", "")),
    }


@emulates(
    "aws:lambda/layerVersion:LayerVersion",
    note="publish_layer_version (a .zip built from the program's archive, or its S3 object)",
    replace_on={EVERY_INPUT},
    naming=LAYER_NAME,
    # The first version a fresh layer gets; the emulator returns the version Lambda published.
    arn="arn:{partition}:lambda:{region}:{account}:layer:{name}:1",
)
def layer_version(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    content: dict[str, Any] = (
        {"S3Bucket": r.get("s3Bucket"), "S3Key": r.get("s3Key")}
        if r.get("s3Bucket")
        else {"ZipFile": zip_bytes(r.get("code"))}
    )
    kwargs: dict[str, Any] = {
        "LayerName": name,
        "Content": content,
        **_optional(
            r,
            {
                "description": "Description",
                "licenseInfo": "LicenseInfo",
                "compatibleRuntimes": "CompatibleRuntimes",
                "compatibleArchitectures": "CompatibleArchitectures",
            },
        ),
    }
    created = ctx.aws(r, "code", "lambda", "publish_layer_version", **kwargs)
    arn = created["LayerVersionArn"]
    return arn, {
        "arn": arn,
        "layerArn": created.get("LayerArn", arn.rsplit(":", 1)[0]),
        "layerName": name,
        "version": str(created.get("Version", 1)),
        "createdDate": str(created.get("CreatedDate", "")),
    }


@emulates(
    "aws:lambda/alias:Alias",
    note="create_alias on the function, which must exist",
    replace_on={"functionName", "name"},
    naming=ALIAS_NAME,
    arn="arn:{partition}:lambda:{region}:{account}:function:{id}",
)
def alias(ctx: Context, r: Resource) -> Emulated:
    name = r.physical_name()
    kwargs: dict[str, Any] = {
        "FunctionName": r.get("functionName"),
        "Name": name,
        "FunctionVersion": r.get("functionVersion"),
        **_optional(r, {"description": "Description"}),
    }
    weights = (r.get("routingConfig") or {}).get("additionalVersionWeights")
    if weights:
        kwargs["RoutingConfig"] = {"AdditionalVersionWeights": {k: float(v) for k, v in weights.items()}}
    created = ctx.aws(r, "name", "lambda", "create_alias", **kwargs)
    arn = created["AliasArn"]
    return arn, {"arn": arn, "invokeArn": invoke_arn(ctx.region, arn), "name": name}


def cors_members(cors: Mapping[str, Any]) -> dict[str, Any]:
    """The CORS settings given, as Lambda function URLs and API Gateway HTTP APIs both name them."""
    return {
        boto: cors[key]
        for key, boto in (
            ("allowCredentials", "AllowCredentials"),
            ("allowHeaders", "AllowHeaders"),
            ("allowMethods", "AllowMethods"),
            ("allowOrigins", "AllowOrigins"),
            ("exposeHeaders", "ExposeHeaders"),
            ("maxAge", "MaxAge"),
        )
        if cors.get(key) is not None
    }


@emulates(
    "aws:lambda/functionUrl:FunctionUrl",
    note="create_function_url_config (and add_permission for NONE, as the provider does); moto ignores"
    " qualifiers",
    replace_on={"functionName", "qualifier"},
    naming=UNNAMED,
    arn="",
)
def function_url(ctx: Context, r: Resource) -> Emulated:
    name = str(r.get("functionName"))
    kwargs: dict[str, Any] = {
        "FunctionName": name,
        "AuthType": r.get("authorizationType"),
        **_optional(r, {"invokeMode": "InvokeMode"}),
    }
    cors = r.get("cors")
    if cors:
        kwargs["Cors"] = cors_members(cors)
    # Read first, so that a missing function is blamed on functionName and the rest on the URL's settings.
    ctx.aws(r, "functionName", "lambda", "get_function", FunctionName=name)
    created = ctx.aws(r, "authorizationType", "lambda", "create_function_url_config", **kwargs)
    if r.get("authorizationType") == "NONE":
        ctx.aws(
            r,
            "authorizationType",
            "lambda",
            "add_permission",
            FunctionName=name,
            StatementId="FunctionURLAllowPublicAccess",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )
    url = created["FunctionUrl"]
    qualifier = r.get("qualifier")
    resource_id = f"{name}/{qualifier}" if qualifier else name
    return resource_id, {
        "functionArn": created.get("FunctionArn", ""),
        "functionUrl": url,
        "urlId": url.split("//", 1)[-1].split(".", 1)[0],
    }


int_between_rule(
    "lambda-memory-size", FUNCTION_TOKEN, "memorySize", *MEMORY_MB, "the memory (MB)", PROVIDER_FUNCTION
)
int_between_rule(
    "lambda-timeout", FUNCTION_TOKEN, "timeout", *TIMEOUT_S, "the timeout (s)", PROVIDER_FUNCTION
)


EPHEMERAL_STORAGE_MB = (512, 10_240)


@rule(
    "lambda-ephemeral-storage",
    FUNCTION_TOKEN,
    prop="ephemeralStorage.size",
    summary="A function's /tmp (ephemeralStorage.size) is 512-10,240 MB",
    source=f"{PROVIDER_FUNCTION} (ephemeral_storage.size: validation.IntBetween(512, 10240))",
)
def _ephemeral_storage(ctx: Context, r: Resource) -> str | None:
    size = (r.get("ephemeralStorage") or {}).get("size")
    low, high = EPHEMERAL_STORAGE_MB
    if not isinstance(size, int | float) or low <= size <= high:
        return None
    return f"ephemeralStorage.size is {int(size)}; /tmp must be between {low} and {high} MB"


@rule(
    "lambda-runtime-create-blocked",
    FUNCTION_TOKEN,
    prop="runtime",
    summary="A new function uses a runtime Lambda still creates functions with",
    source="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated",
)
def _deprecated_runtime(ctx: Context, r: Resource) -> str | None:
    runtime = r.get("runtime")
    blocked = CREATE_BLOCKED.get(str(runtime)) if runtime else None
    if blocked is None or blocked > date.today():
        return None
    return (
        f"runtime {runtime} is deprecated and Lambda blocks creating functions with it since {blocked}: "
        "choose a supported runtime"
    )


def _zip_needs_rule(rule_id: str, prop: str) -> None:
    """The provider's checkHandlerRuntimeForZipFunction: a .zip function names its handler and runtime."""

    def check(ctx: Context, r: Resource) -> str | None:
        if r.get("packageType", "Zip") != "Zip" or r.get(prop):
            return None
        return f"{prop} must be set when packageType is Zip (the default)"

    check.__qualname__ = f"check_{prop}"
    rule(
        rule_id, FUNCTION_TOKEN, prop=prop, summary=f"A .zip function sets {prop}", source=PROVIDER_FUNCTION
    )(check)


_zip_needs_rule("lambda-zip-handler", "handler")
_zip_needs_rule("lambda-zip-runtime", "runtime")


# Keys the runtime sets itself, which a function's configuration cannot (configuration-envvars.html).
RESERVED_ENVIRONMENT_KEYS = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)


@rule(
    "lambda-reserved-environment-variables",
    FUNCTION_TOKEN,
    prop="environment",
    summary="A function's environment sets none of the variables the Lambda runtime reserves",
    source="https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime"
    " (reserved environment variables can't be set in your function configuration)",
)
def _reserved_environment(ctx: Context, r: Resource) -> str | None:
    variables = (r.get("environment") or {}).get("variables") or {}
    reserved = sorted(RESERVED_ENVIRONMENT_KEYS & set(variables))
    if not reserved:
        return None
    return f"{', '.join(reserved)} reserved by the Lambda runtime and cannot be set"


@rule(
    "lambda-reserved-concurrency",
    FUNCTION_TOKEN,
    prop="reservedConcurrentExecutions",
    summary="Reserved concurrency leaves at least 100 unreserved executions in the account",
    source="https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
)
def _reserved_concurrency(ctx: Context, r: Resource) -> str | None:
    reserved = r.get("reservedConcurrentExecutions")
    if reserved is None or int(reserved) < 0:
        return None
    try:
        limit = int(ctx.client("lambda").get_account_settings()["AccountLimit"]["ConcurrentExecutions"])
    except Exception:  # moto without account settings: AWS's default quota
        limit = DEFAULT_CONCURRENCY_LIMIT
    allowed = limit - UNRESERVED_MINIMUM
    if int(reserved) <= allowed:
        return None
    return (
        f"reservedConcurrentExecutions is {reserved}; with an account limit of {limit}, at most {allowed} can"
        f" be reserved (Lambda keeps {UNRESERVED_MINIMUM} unreserved)"
    )


@rule(
    "lambda-sqs-visibility-timeout",
    ESM_TOKEN,
    prop="eventSourceArn",
    summary="An SQS event source's visibility timeout is at least the function's timeout",
    source="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
)
def _queue_visibility(ctx: Context, r: Resource) -> str | None:
    source = r.get("eventSourceArn")
    function_name = r.get("functionName")
    if not isinstance(source, str) or ":sqs:" not in source or not function_name:
        return None
    try:
        sqs = ctx.client("sqs")
        url = sqs.get_queue_url(QueueName=queue_name_from_arn(source))["QueueUrl"]
        visibility = int(
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"][
                "VisibilityTimeout"
            ]
        )
        timeout = int(ctx.client("lambda").get_function_configuration(FunctionName=function_name)["Timeout"])
    except Exception:  # a missing queue or function is the emulator's refusal to make
        return None
    if visibility >= timeout:
        return None
    return f"Queue visibility timeout: {visibility} seconds is less than Function timeout: {timeout} seconds"


CREATE_EVENT_SOURCE_MAPPING = (
    "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"
)
SQS_UNBATCHED_MAXIMUM = 10


@rule(
    "lambda-esm-sqs-batch-size",
    ESM_TOKEN,
    prop="batchSize",
    summary="An SQS event source takes at most 10 messages a batch from a FIFO queue, and more than 10 from "
    "a standard queue only with a batching window of at least 1 second",
    source=f"{CREATE_EVENT_SOURCE_MAPPING} (BatchSize; MaximumBatchingWindowInSeconds)",
)
def _sqs_batch_size(ctx: Context, r: Resource) -> str | None:
    source, batch = r.get("eventSourceArn"), r.get("batchSize")
    if not isinstance(source, str) or ":sqs:" not in source or batch is None:
        return None
    if int(batch) <= SQS_UNBATCHED_MAXIMUM:
        return None
    if source.endswith(".fifo"):
        return f"batchSize {int(batch)} exceeds the maximum of {SQS_UNBATCHED_MAXIMUM} for a FIFO queue"
    window = r.get("maximumBatchingWindowInSeconds")
    if window is not None and int(window) >= 1:
        return None
    return (
        f"batchSize {int(batch)} is greater than {SQS_UNBATCHED_MAXIMUM}: set "
        "maximumBatchingWindowInSeconds to at least 1"
    )


def _is_stream(source: str) -> bool:
    return ":kinesis:" in source or (":dynamodb:" in source and "/stream/" in source)


@rule(
    "lambda-esm-stream-starting-position",
    ESM_TOKEN,
    prop="startingPosition",
    summary="A Kinesis or DynamoDB stream event source sets its startingPosition",
    source=f"{CREATE_EVENT_SOURCE_MAPPING} (StartingPosition: required for Amazon Kinesis and Amazon "
    "DynamoDB Stream event sources)",
)
def _stream_starting_position(ctx: Context, r: Resource) -> str | None:
    source = r.get("eventSourceArn")
    if not isinstance(source, str) or not _is_stream(source) or r.get("startingPosition"):
        return None
    return "a Kinesis or DynamoDB stream event source needs startingPosition (TRIM_HORIZON or LATEST, ...)"


# Managed runtime family -> the first version SnapStart supports (snapstart.html, supported runtimes).
SNAPSTART_FROM = {"java": 11, "python3.": 12, "dotnet": 8}


def _snapstart_supported(runtime: str) -> bool:
    for family, first in SNAPSTART_FROM.items():
        version = runtime.removeprefix(family).split(".")[0]
        if runtime.startswith(family) and version.isdigit():
            return int(version) >= first
    return False


@rule(
    "lambda-snapstart-runtime",
    FUNCTION_TOKEN,
    prop="snapStart",
    summary="SnapStart is on only for Java 11+, Python 3.12+ or .NET 8+ managed runtimes",
    source="https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html#snapstart-runtimes",
)
def _snapstart_runtime(ctx: Context, r: Resource) -> str | None:
    applies = (r.get("snapStart") or {}).get("applyOn")
    runtime = r.get("runtime")
    if applies in (None, "None") or not runtime or r.get("packageType", "Zip") != "Zip":
        return None
    if _snapstart_supported(str(runtime)):
        return None
    return f"SnapStart is not supported on runtime {runtime}: use Java 11+, Python 3.12+ or .NET 8+"


@rule(
    "lambda-dead-letter-target",
    FUNCTION_TOKEN,
    prop="deadLetterConfig",
    summary="A function's dead-letter target is an SQS queue or an SNS topic",
    source="https://docs.aws.amazon.com/lambda/latest/api/API_DeadLetterConfig.html (TargetArn: the ARN of "
    "an Amazon SQS queue or Amazon SNS topic)",
)
def _dead_letter_target(ctx: Context, r: Resource) -> str | None:
    target = (r.get("deadLetterConfig") or {}).get("targetArn")
    if not isinstance(target, str) or not target.startswith("arn:"):
        return None
    service = target.split(":")[2] if target.count(":") >= 2 else ""
    if service in ("sqs", "sns"):
        return None
    return f"deadLetterConfig.targetArn {target} is a {service} ARN; it must be an SQS queue or SNS topic"


@rule(
    "lambda-log-level-needs-json",
    FUNCTION_TOKEN,
    prop="loggingConfig",
    summary="Application and system log levels are set only with the JSON log format",
    source="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html (to use "
    "log-level filtering, your function must be configured to use the JSON log format)",
)
def _log_level_needs_json(ctx: Context, r: Resource) -> str | None:
    logging = r.get("loggingConfig") or {}
    levels = [key for key in ("applicationLogLevel", "systemLogLevel") if logging.get(key)]
    if not levels or str(logging.get("logFormat", "")).upper() != "TEXT":
        return None
    return f"{' and '.join(levels)} cannot be set with logFormat Text: log levels need logFormat JSON"


MAX_LAYERS = 5


@rule(
    "lambda-at-most-five-layers",
    FUNCTION_TOKEN,
    prop="layers",
    summary="A function uses at most five layers",
    source="https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html (up to five layers)",
)
def _five_layers(ctx: Context, r: Resource) -> str | None:
    layers = r.get("layers") or []
    if len(layers) <= MAX_LAYERS:
        return None
    return f"{len(layers)} layers; a function can use at most {MAX_LAYERS}"
