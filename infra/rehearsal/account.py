"""The emulated AWS account: moto in-process, one fresh account per rehearsal, reachable through boto3."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import boto3
from moto import mock_aws
from moto.core.base_backend import BackendDict
from moto.iam.models import iam_backends

REHEARSAL_USER = "rehearsal"

_lock = threading.Lock()
# AWS managed policies (e.g. AmazonECSTaskExecutionRolePolicy) exist in every real account; moto loads
# them only when asked, and attaching one that is missing fails as on AWS.
_mock = mock_aws(config={"iam": {"load_aws_managed_policies": True}})


def _forget(account_id: str) -> None:
    """Drop everything moto holds for one account, in every service, leaving other accounts alone."""
    for backend in list(BackendDict._instances):  # type: ignore[misc]
        if account_id in backend:
            backend[account_id].reset()
            del backend[account_id]


@dataclass
class EmulatedAccount:
    """One moto account. Open until `close()`: `infra verify --emulated` and checks read it afterwards
    with `session` exactly as they would read a real account."""

    account_id: str
    region: str
    session: boto3.Session
    _open: bool = True

    @classmethod
    def open(cls, account_id: str, region: str) -> EmulatedAccount:
        """Start moto (once per process) and give `account_id` a clean slate and its own credentials."""
        with _lock:
            _mock.start(reset=False)
            _forget(account_id)
            iam = iam_backends[account_id]["aws"]
            iam.create_user(region, REHEARSAL_USER)
            key = iam.create_access_key(REHEARSAL_USER)
        session = boto3.Session(
            aws_access_key_id=key.access_key_id,
            aws_secret_access_key=key.secret_access_key,
            region_name=region,
        )
        return cls(account_id=account_id, region=region, session=session)

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
