"""Defaults shared by the ops modules and the command line, importable without boto3, docker or fabric."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

SSH_USER = "ec2-user"
"""The login user of Amazon Linux 2023, the bastion's AMI."""
KNOWN_HOSTS = Path("~/.ssh/known_hosts")
SSH_PORT = 22
BASTION_ROLE = "bastion"
REMOTE_PLUGIN_DIR = PurePosixPath("/usr/local/lib/nagios/plugins/postings")
NRPE_COMMAND_FILE = PurePosixPath("/etc/nagios/nrpe.d/postings.cfg")
