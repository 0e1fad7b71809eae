"""`infra release`, `infra migrate` and `infra hosts ...`: thin adapters over the infra.ops modules."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import sys
import threading
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from infra.ops import defaults, stack
from infra.ops.errors import OpsError, UsageError

# The modules that need boto3, docker or fabric are imported by the handlers that use them, so the
# rest of `infra` (rehearse, diff, config) works without those packages installed.
if TYPE_CHECKING:
    import boto3

    from infra.ops import hosts, ssh

PROJECT_ROOT = stack.PROJECT_ROOT
SERVICE_DIR = PROJECT_ROOT / "services" / "postings"
# The scheduled checks' image (infra/components/scheduled_checks.py runs `<repository>:checks-<imageTag>`),
# built from the repository root.
CHECKS_DOCKERFILE = PurePosixPath("monitoring/checks/Dockerfile")
CHECKS_TAG_PREFIX = "checks-"
DATA_SERVICES = {"mysql": 13306, "redis": 16379}
"""Default local port of each tunnel (above 1024, away from a local server's own port)."""
DATA_PORTS = {"mysql": 3306, "redis": 6379}

Handler = Callable[[argparse.Namespace], int]


def _reports_errors(handler: Handler) -> Handler:
    """Print an OpsError's message (it says what to do) and exit with its code, without a traceback."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except OpsError as err:
            print(f"infra: {err}", file=sys.stderr)
            return err.exit_code

    return run


def _session(args: argparse.Namespace) -> boto3.session.Session:
    import boto3

    region = args.region or stack.stack_region(args.stack, args.project)
    return boto3.session.Session(region_name=region)


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _build_args(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise UsageError(f"--build-arg {pair!r}: expected NAME=VALUE")
        values[name] = value
    return values


def _release(args: argparse.Namespace) -> int:
    from infra.ops import release

    environment = stack.check_stack(args.stack)
    if args.checks:
        context = args.project.resolve()
        dockerfile = (args.dockerfile or context / CHECKS_DOCKERFILE).resolve()
    else:
        context = args.context.resolve()
        dockerfile = (args.dockerfile or context / "Dockerfile").resolve()
    if not dockerfile.is_relative_to(context):
        raise UsageError(f"--dockerfile {dockerfile} must be inside the build context {context}")
    image = release.Image.beside("postings-checks" if args.checks else "postings", context, dockerfile)
    build_args = _build_args(args.build_arg)
    if dockerfile.is_file():
        release.check_build_args(dockerfile, build_args)
    revision = release.revision(args.project, context, allow_dirty=args.allow_dirty)
    if args.checks:
        revision = dataclasses.replace(revision, tag=CHECKS_TAG_PREFIX + revision.tag)
    if revision.dirty:
        _progress(f"warning: {context} has uncommitted changes; tagging {revision.tag} (not for deploys)")
    ecr = _session(args).client("ecr")
    repository = stack.repository_uri(ecr, environment)
    done = release.release(
        ecr=ecr,
        repository=repository,
        revision=revision,
        image=image,
        build_args=build_args,
        progress=_progress,
    )
    if done.already_present:
        _progress(f"{done.uri} is already in the registry (tags are immutable): nothing built")
    print(f"image: {done.uri}")
    print(f"digest: {done.digest}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from infra.ops import migrate, release

    environment = stack.check_stack(args.stack)
    tag = release.check_tag(args.image)
    session = _session(args)
    ecs, ecr = session.client("ecs"), session.client("ecr")
    repository = stack.repository_uri(ecr, environment)
    release.require_image(ecr, repository, tag)
    api = stack.find_service(ecs, environment, "api")
    _progress(f"migrating {environment} with {repository}:{tag} in {api.cluster_arn}")
    done = migrate.migrate(
        ecs,
        session.client("logs"),
        api,
        image=f"{repository}:{tag}",
        environment=environment,
        tags={**stack.stack_tags(environment), "ManagedBy": "infra-migrate", "ImageTag": tag},
        log_line=lambda line: print(f"[migrate] {line}", flush=True),
        timeout=args.timeout,
        poll_seconds=args.poll_interval,
    )
    print(f"migration succeeded: task {done.task_arn} exited 0")
    return 0


def _settings(args: argparse.Namespace) -> ssh.SshSettings:
    from infra.ops import ssh

    return ssh.SshSettings(
        user=args.user,
        known_hosts=args.known_hosts,
        identity=args.identity,
        connect_timeout=args.connect_timeout,
        command_timeout=args.command_timeout,
    )


def _bastion(args: argparse.Namespace, ec2_hosts: list[hosts.Host]) -> ssh.Endpoint:
    from infra.ops import hosts, ssh

    bastion = next(iter(ec2_hosts), None)
    if bastion is None:
        raise hosts.NoHosts(f"the stack {args.stack} has no running bastion (Role=bastion)")
    if args.bastion_address:
        address, colon, port = args.bastion_address.partition(":")
        if not address or (colon and not port.isdigit()):
            raise UsageError(f"--bastion-address {args.bastion_address!r}: expected HOST or HOST:PORT")
        return ssh.Endpoint(name=bastion.label, address=address, port=int(port) if colon else args.port)
    return hosts.bastion_endpoint(bastion, args.port)


def _hosts_list(args: argparse.Namespace) -> int:
    from infra.ops import hosts

    environment = stack.check_stack(args.stack)
    found = hosts.require_hosts(_session(args).client("ec2"), environment, args.role)
    print(hosts.render_hosts(found))
    return 0


def run_options() -> argparse.ArgumentParser:
    """The options of `hosts run` as they may follow the stack: argparse hands everything after the
    stack to the command (REMAINDER), so they are parsed again from there."""
    parser = argparse.ArgumentParser(prog="infra hosts run STACK", add_help=False)
    _add_ssh(parser)
    parser.add_argument("--region")
    parser.add_argument("--role")
    parser.add_argument("cmd", nargs="*")
    return parser


def _hosts_run(args: argparse.Namespace) -> int:
    from infra.ops import hosts, ssh

    environment = stack.check_stack(args.stack)
    if args.cmd and args.cmd[0].startswith("-"):
        args = run_options().parse_args(args.cmd, namespace=argparse.Namespace(**{**vars(args), "cmd": []}))
    if not args.role:
        raise UsageError("no role given: `infra hosts run STACK --role ROLE -- CMD ...`")
    command = " ".join(args.cmd).strip()
    if not command:
        raise UsageError("no command given: `infra hosts run STACK --role ROLE -- CMD ...`")
    settings = _settings(args)
    ec2 = _session(args).client("ec2")
    found = hosts.require_hosts(ec2, environment, args.role)
    bastions = hosts.require_hosts(ec2, environment, hosts.BASTION_ROLE)
    bastion = _bastion(args, bastions)
    bastion_ids = {b.instance_id for b in bastions}
    targets = [
        (bastion, False) if h.instance_id in bastion_ids else (hosts.host_endpoint(h, args.port), True)
        for h in found
    ]
    results = ssh.run_parallel(targets, command, settings, bastion=bastion, out=sys.stdout)
    for result in results:
        _progress(result.summary())
    failed = [r for r in results if not r.ok]
    if failed:
        _progress(f"{len(failed)} of {len(results)} host(s) failed")
        return 1
    return 0


def _hosts_tunnel(args: argparse.Namespace) -> int:
    from infra.ops import hosts, ssh

    environment = stack.check_stack(args.stack)
    session = _session(args)
    bastion = _bastion(args, hosts.require_hosts(session.client("ec2"), environment, hosts.BASTION_ROLE))
    if args.to:
        remote_host, colon, port = args.to.partition(":")
        if not remote_host or (colon and not port.isdigit()):
            raise UsageError(f"--to {args.to!r}: expected HOST or HOST:PORT")
        remote_port = int(port) if colon else DATA_PORTS[args.service]
    elif args.service == "mysql":
        remote_host, remote_port = stack.database_endpoint(session.client("rds"), environment)
    else:
        remote_host, remote_port = stack.redis_endpoint(session.client("elasticache"), environment)
    local_port = DATA_SERVICES[args.service] if args.local_port is None else args.local_port
    conn = ssh.connect(bastion, _settings(args))
    try:
        with ssh.forward_local(
            conn, remote_host=remote_host, remote_port=remote_port, local_port=local_port, on_error=_progress
        ) as port:
            print(
                f"127.0.0.1:{port} -> {remote_host}:{remote_port} through the bastion {bastion}; "
                "Ctrl-C to close",
                flush=True,
            )
            hold_open(port)
    finally:
        conn.close()
    return 0


def hold_open(port: int) -> None:
    """Keep the tunnel on `port` open until the user presses Ctrl-C."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        _progress(f"closing the tunnel on 127.0.0.1:{port}")


def _hosts_bootstrap(args: argparse.Namespace) -> int:
    from infra.ops import bootstrap, hosts, ssh

    environment = stack.check_stack(args.stack)
    settings = _settings(args)
    ec2 = _session(args).client("ec2")
    found = hosts.require_hosts(ec2, environment, args.role)
    bastions = hosts.require_hosts(ec2, environment, hosts.BASTION_ROLE)
    bastion = _bastion(args, bastions)
    failures = 0
    bootstrap.find_plugins(args.checks)  # a wrong directory fails once, before any host is touched
    for host in found:
        is_bastion = host.instance_id in {b.instance_id for b in bastions}
        endpoint = bastion if is_bastion else hosts.host_endpoint(host, args.port)
        try:
            conn = ssh.connect(endpoint, settings, bastion=None if is_bastion else bastion)
        except OpsError as err:
            _progress(f"{host.label}: FAILED: {err}")
            failures += 1
            continue
        try:
            done = bootstrap.install_checks(
                conn, args.checks, plugin_dir=args.plugin_dir, nrpe_file=args.nrpe_file
            )
        except OpsError as err:
            _progress(f"{host.label}: FAILED: {err}")
            failures += 1
            continue
        finally:
            conn.close()
            if conn.gateway is not None:
                conn.gateway.close()
        reloaded = "NRPE reloaded" if done.nrpe_reloaded else "NRPE not running here, not reloaded"
        removed = f"; removed {', '.join(done.removed)}" if done.removed else ""
        print(f"{host.label}: installed {', '.join(done.plugins)} in {done.plugin_dir}{removed}; {reloaded}")
    return 1 if failures else 0


def _add_aws(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="dev, staging or prod")
    parser.add_argument("--region", help="AWS region (default: aws:region of the stack file)")
    parser.add_argument("--project", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)


def _add_ssh(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default=defaults.SSH_USER, help=f"SSH user (default: {defaults.SSH_USER})")
    parser.add_argument(
        "--identity", type=Path, help="private key file (default: the keys of the running ssh-agent)"
    )
    parser.add_argument(
        "--known-hosts",
        type=Path,
        default=defaults.KNOWN_HOSTS,
        help="known_hosts to verify host keys against; unknown keys are refused (default: %(default)s)",
    )
    parser.add_argument(
        "--port", type=int, default=defaults.SSH_PORT, help="SSH port of the hosts (default: 22)"
    )
    parser.add_argument(
        "--bastion-address",
        help="reach the bastion at HOST[:PORT] instead of its public IP, e.g. 127.0.0.1:2222 when an SSM "
        "port-forwarding session is open to it",
    )
    parser.add_argument("--connect-timeout", type=int, default=10, help="seconds (default: 10)")
    parser.add_argument("--command-timeout", type=int, default=None, help="seconds per host (default: none)")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rel = commands.add_parser(
        "release",
        help="build the postings image, tag it with the git commit and push it to the stack's ECR",
        description="Build services/postings/Dockerfile with the Docker engine, tag it with HEAD's "
        "commit SHA (the value of postings:imageTag), push it to the ECR repository postings-<stack> "
        "and print the image URI and digest. Needs a Docker engine (DOCKER_HOST) and AWS credentials.",
    )
    _add_aws(rel)
    rel.add_argument("--context", type=Path, default=SERVICE_DIR, help="build context (default: %(default)s)")
    rel.add_argument(
        "--checks",
        action="store_true",
        help=f"build the scheduled checks' image instead ({CHECKS_DOCKERFILE} from the repository root, "
        f"tagged {CHECKS_TAG_PREFIX}<sha>, the image the stack's scheduled checks run)",
    )
    rel.add_argument("--dockerfile", type=Path, help="Dockerfile (default: CONTEXT/Dockerfile)")
    rel.add_argument(
        "--build-arg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a build argument the Dockerfile declares, e.g. BASE_IMAGE=<a mirror of its default base> "
        "(repeatable; the wheels of requirements.txt beside the Dockerfile are downloaded into its "
        "wheelhouse/ first)",
    )
    rel.add_argument(
        "--allow-dirty",
        action="store_true",
        help="build despite uncommitted changes in the context (tag <sha>-dirty.<time>; never deploy it)",
    )
    rel.set_defaults(handler=_reports_errors(_release))

    mig = commands.add_parser(
        "migrate",
        help="run `postings migrate` with a released image as a one-off ECS task and wait for it",
        description="Register the migration task definition (the api's, with the new image and `postings "
        "migrate`), run it in the app subnets with the api's security group, stream its CloudWatch logs "
        "and exit non-zero unless it exits 0. Run it before `pulumi up` deploys the same tag.",
    )
    _add_aws(mig)
    mig.add_argument(
        "--image", required=True, metavar="TAG", help="the tag `infra release` pushed (commit SHA)"
    )
    mig.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait (default: 1800)")
    mig.add_argument(
        "--poll-interval", type=float, default=5.0, help="seconds between status checks (default: 5)"
    )
    mig.set_defaults(handler=_reports_errors(_migrate))

    host_parser = commands.add_parser("hosts", help="list a stack's EC2 hosts and run tasks on them over SSH")
    actions = host_parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="the stack's running instances, found by their tags")
    _add_aws(listing)
    listing.add_argument("--role", help="only hosts with this Role tag")
    listing.set_defaults(handler=_reports_errors(_hosts_list))

    run = actions.add_parser(
        "run",
        help="run a command on every host of a role at once, output prefixed by host",
        usage="infra hosts run STACK --role ROLE [options] -- CMD ...",
        description="Exit status is non-zero when any host fails. Hosts other than the bastion are reached "
        "through it (ProxyJump).",
    )
    _add_aws(run)
    _add_ssh(run)
    run.add_argument("--role", help="Role tag of the hosts, e.g. bastion (required)")
    run.add_argument("cmd", nargs=argparse.REMAINDER, metavar="CMD", help="the command, after `--`")
    run.set_defaults(handler=_reports_errors(_hosts_run))

    tunnel = actions.add_parser(
        "tunnel", help="forward a local port through the bastion to the stack's MySQL or Redis"
    )
    _add_aws(tunnel)
    _add_ssh(tunnel)
    tunnel.add_argument("service", choices=sorted(DATA_SERVICES), help="which data store")
    tunnel.add_argument(
        "--local-port", type=int, help="local port (default: 13306 for mysql, 16379 for redis; 0 picks one)"
    )
    tunnel.add_argument(
        "--to",
        metavar="HOST[:PORT]",
        help="forward to this address instead of the stack's own endpoint (e.g. a database restored "
        "from a snapshot, see docs/runbooks/database-restore.md)",
    )
    tunnel.set_defaults(handler=_reports_errors(_hosts_tunnel))

    boot = actions.add_parser(
        "bootstrap", help="install the Nagios-compatible check plugins and their NRPE commands on hosts"
    )
    _add_aws(boot)
    _add_ssh(boot)
    boot.add_argument(
        "--role", default=defaults.BASTION_ROLE, help="Role tag of the hosts (default: bastion)"
    )
    boot.add_argument(
        "--checks",
        type=Path,
        default=PROJECT_ROOT / "monitoring" / "checks",
        help="directory of check plugins, files named check_<name> (default: %(default)s)",
    )
    boot.add_argument(
        "--plugin-dir", type=PurePosixPath, default=defaults.REMOTE_PLUGIN_DIR, help="(default: %(default)s)"
    )
    boot.add_argument(
        "--nrpe-file", type=PurePosixPath, default=defaults.NRPE_COMMAND_FILE, help="(default: %(default)s)"
    )
    boot.set_defaults(handler=_reports_errors(_hosts_bootstrap))
