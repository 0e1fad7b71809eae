"""The emulated AWS account: moto in-process, one fresh account per rehearsal, reachable through boto3."""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from moto import mock_aws
from moto.core.base_backend import AccountSpecificBackend, BackendDict, BaseBackend
from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend, ManagedPolicy, iam_backends
from moto.kms import models as kms_models
from moto.kms.utils import KeySpec
from moto.kms.utils import generate_private_key as _original_private_key

REHEARSAL_USER = "rehearsal"

_lock = threading.Lock()
_mock = mock_aws()


@functools.cache
def _managed_policies(region: str) -> tuple[AWSManagedPolicy, ...]:
    """The AWS managed policies as moto builds them, once per process (each build serialises ~1,600
    documents); accounts get shallow copies, so what one attaches never shows in another."""
    data = dict(json.loads(aws_managed_policies_data))
    return tuple(AWSManagedPolicy.from_data(name, "aws", region, item) for name, item in data.items())


def _load_aws_managed_policies(iam: IAMBackend) -> None:
    """AWS managed policies (e.g. AmazonECSTaskExecutionRolePolicy) exist in every real account, and
    attaching a missing one fails as on AWS. moto's own switch loads them into all five partitions of
    every account it touches (seconds per account); this loads them once, where the stack runs."""
    policies: list[ManagedPolicy] = []
    for prototype in _managed_policies(iam.region_name):
        policy = copy.copy(prototype)
        policy.account_id = iam.account_id
        policies.append(policy)
    iam.aws_managed_policies = list(policies)
    iam.managed_policies.update({policy.arn: policy for policy in policies})


_ASYMMETRIC_SPECS = frozenset({"RSA_2048", "RSA_3072", "RSA_4096"}) | frozenset(KeySpec.ecc_key_specs())


@functools.cache
def _unused_rsa_key() -> Any:
    return _original_private_key("SYMMETRIC_DEFAULT")


def _private_key(key_spec: str) -> Any:
    """moto generates an RSA-2048 key for every KMS key, even symmetric ones that never use it (a
    quarter of a second each, and RDS and Secrets Manager create such keys); asymmetric keys keep
    their own."""
    return _original_private_key(key_spec) if key_spec in _ASYMMETRIC_SPECS else _unused_rsa_key()


@contextlib.contextmanager
def _new_sessions_sharing(loader: botocore.loaders.Loader) -> Iterator[None]:
    """botocore sessions created in this block load their data through `loader` (botocore.session
    names its loader factory at import, so that is where to swap it). Nothing else makes sessions
    meanwhile: the caller holds the lock, before the program runs."""
    create_loader = botocore.session.create_loader
    botocore.session.create_loader = lambda search_path_string=None: (
        loader if search_path_string is None else create_loader(search_path_string)
    )
    try:
        yield
    finally:
        botocore.session.create_loader = create_loader
    # Every boto3 session appends boto3's data directory to its loader's search path: keep it once.
    loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))


@functools.cache
def _shared_session() -> boto3.Session:
    """The session every client is made from. It shares one botocore loader (the parsed service models
    and endpoints) with the boto3 sessions moto makes for itself: its own, which lists a service's regions
    when an account first uses it, and the three moto's EC2 module makes on import. Each would otherwise
    parse the same files again, EC2's model (the largest) four more times. All are plain boto3 sessions,
    so what each reads is unchanged; moto's request parser keeps its own loader (with its extras)."""
    with _new_sessions_sharing(botocore.loaders.create_loader()):
        session = boto3.Session()
        AccountSpecificBackend.get_session()
        importlib.import_module("moto.ec2.models")
    return session


def _forget(account_id: str) -> None:
    """Drop everything moto holds for one account, in every service, leaving other accounts alone."""
    for backend in list(BackendDict._instances):  # type: ignore[misc]
        if account_id in backend:
            for region_backend in backend[account_id].values():
                # The base reset only builds the backend anew (EC2's loads its AMI catalogue: a quarter of a
                # second); services that free something global on reset (S3's bucket names) override it.
                if type(region_backend).reset is not BaseBackend.reset:
                    region_backend.reset()
            del backend[account_id]


@dataclass
class EmulatedAccount:
    """One moto account. Open until `close()`: `infra verify --emulated` and checks read it afterwards
    with `session` exactly as they would read a real account."""

    account_id: str
    region: str
    session: boto3.Session
    _credentials: tuple[str, str] = ("", "")
    _open: bool = True

    @classmethod
    def open(cls, account_id: str, region: str) -> EmulatedAccount:
        """Start moto (once per process) and give `account_id` a clean slate and its own credentials."""
        with _lock:
            setattr(kms_models, "generate_private_key", _private_key)  # noqa: B010  (the name moto calls)
            _shared_session()
            _mock.start(reset=False)
            _forget(account_id)
            iam = iam_backends[account_id]["aws"]
            _load_aws_managed_policies(iam)
            iam.create_user(region, REHEARSAL_USER)
            key = iam.create_access_key(REHEARSAL_USER)
        session = boto3.Session(
            aws_access_key_id=key.access_key_id,
            aws_secret_access_key=key.secret_access_key,
            region_name=region,
        )
        return cls(
            account_id=account_id,
            region=region,
            session=session,
            _credentials=(key.access_key_id, key.secret_access_key),
        )

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client on this account, in its region or `region`. Clients share one session's loaded
        service models: a fresh session per rehearsal would parse every model again (a large share of a
        rehearsal's time)."""
        access_key, secret_key = self._credentials
        return _shared_session().client(  # type: ignore[call-overload]
            service,
            region_name=region or self.region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
        )

    def close(self) -> None:
        """Stop moto's patching when the last open account closes; the data goes with it."""
        with _lock:
            if self._open:
                self._open = False
                _mock.stop(remove_data=False)
                _forget(self.account_id)

    def __enter__(self) -> EmulatedAccount:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
