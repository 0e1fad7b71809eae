"""The GitLab pipeline (.gitlab-ci.yml) and the scripts it shares with GitHub's: valid for GitLab's own
schema, the jobs each kind of pipeline gets, and scripts/ci/gitlab-note and scripts/ci/deploy run for real
(against a stand-in for GitLab's notes API, and with recording `infra` and `pulumi` executables)."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shlex
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # in dev.txt without stubs
import pytest
import yaml

from infra.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / ".gitlab-ci.yml"
SCHEMAS = ROOT / "tests" / "fixtures" / "schemas"
NOTE = ROOT / "scripts" / "ci" / "gitlab-note"
DEPLOY = ROOT / "scripts" / "ci" / "deploy"
PREVIEW = ROOT / "scripts" / "ci" / "preview"
STACKS = ["dev", "staging", "prod"]
# Keys of .gitlab-ci.yml that are not jobs (GitLab's global keywords).
GLOBAL_KEYWORDS = {"default", "include", "stages", "variables", "workflow", "image", "services", "cache"}
GLOBAL_KEYWORDS |= {"before_script", "after_script", "spec"}
SHA = "0123456789abcdef0123456789abcdef01234567"


def load_pipeline() -> dict[str, Any]:
    pipeline = yaml.safe_load(PIPELINE.read_text(encoding="utf-8"))
    assert isinstance(pipeline, dict)
    return pipeline


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """GitLab's `extends`: hashes merge key by key, anything else (lists included) is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolved(pipeline: dict[str, Any], name: str) -> dict[str, Any]:
    job = pipeline[name]
    parents = job.get("extends", [])
    merged: dict[str, Any] = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        merged = deep_merge(merged, resolved(pipeline, parent))
    return deep_merge(merged, {k: v for k, v in job.items() if k != "extends"})


def jobs(pipeline: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resolved(pipeline, name)
        for name in pipeline
        if name not in GLOBAL_KEYWORDS and not name.startswith(".")
    }


def shell_lines(job: dict[str, Any]) -> list[str]:
    """Every command line the job runs, comments left out."""
    lines = []
    for key in ("before_script", "script"):
        for item in job.get(key, []):
            lines += [line for line in str(item).splitlines() if not line.strip().startswith("#")]
    return lines


# A rules:if evaluator for the part of GitLab's expression syntax this pipeline uses: variables, quoted
# strings, null, ==, !=, &&, || and parentheses. Anything else fails the test rather than guess.
EXPRESSION_TOKEN = re.compile(r"\s*(\$\w+|\"[^\"]*\"|'[^']*'|==|!=|&&|\|\||\(|\)|null)")


def tokens(expression: str) -> list[str]:
    found, position = [], 0
    while position < len(expression.rstrip()):
        match = EXPRESSION_TOKEN.match(expression, position)
        assert match, f"unsupported rules:if syntax at {expression[position:]!r}"
        found.append(match.group(1))
        position = match.end()
    return found


def evaluate(expression: str, variables: dict[str, str]) -> bool:
    stream = tokens(expression)

    def take() -> str:
        return stream.pop(0)

    def operand() -> Any:
        token = take()
        if token == "(":
            value = disjunction()
            assert take() == ")", expression
            return value
        if token == "null":
            return None
        if token.startswith("$"):
            return variables.get(token[1:])
        assert token[0] in "\"'", expression
        return token[1:-1]

    def comparison() -> bool:
        left = operand()
        if stream and stream[0] in ("==", "!="):
            equal = take() == "=="
            return bool((left == operand()) == equal)
        return bool(left)

    def conjunction() -> bool:
        value = comparison()
        while stream and stream[0] == "&&":
            take()
            value = comparison() and value
        return value

    def disjunction() -> bool:
        value = conjunction()
        while stream and stream[0] == "||":
            take()
            value = conjunction() or value
        return value

    result = bool(disjunction())
    assert not stream, f"{expression}: left over {stream}"
    return result


def first_rule(rules: list[dict[str, Any]], variables: dict[str, str]) -> dict[str, Any] | None:
    return next((rule for rule in rules if "if" not in rule or evaluate(rule["if"], variables)), None)


def pipeline_for(variables: dict[str, str]) -> dict[str, str]:
    """Job name -> `when`, for the pipeline GitLab would create with these predefined variables."""
    pipeline = load_pipeline()
    if first_rule(pipeline["workflow"]["rules"], variables) is None:
        return {}
    created: dict[str, str] = {}
    for name, job in jobs(pipeline).items():
        rule = first_rule(job["rules"], variables) if "rules" in job else {}
        if rule is not None and rule.get("when", job.get("when", "on_success")) != "never":
            created[name] = str(rule.get("when", job.get("when", "on_success")))
    return created


PROJECT = "100"
FORK = "200"
MR = {
    "CI_PIPELINE_SOURCE": "merge_request_event",
    "CI_DEFAULT_BRANCH": "main",
    "CI_PROJECT_ID": PROJECT,
    "CI_MERGE_REQUEST_PROJECT_ID": PROJECT,
    "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": PROJECT,
    "POSTINGS_NOTE_TOKEN": "glpat-example",
}
FORK_MR_IN_PARENT = {**MR, "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": FORK}
FORK_MR_IN_FORK = {
    **MR,
    "CI_PROJECT_ID": FORK,
    "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": FORK,
    "POSTINGS_NOTE_TOKEN": "",
}
PUSH_MAIN = {
    "CI_PIPELINE_SOURCE": "push",
    "CI_DEFAULT_BRANCH": "main",
    "CI_COMMIT_BRANCH": "main",
    "CI_PROJECT_ID": PROJECT,
}


def test_the_pipeline_is_valid_for_gitlabs_schema() -> None:
    schema = json.loads((SCHEMAS / "gitlab-ci.json").read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(load_pipeline())
    ]
    assert errors == []


def _unknown_job_keyword(p: dict[str, Any]) -> str:
    p["rehearse"]["artifact"] = p["rehearse"].pop("artifacts")
    return "rehearse"


def _when_not_a_when(p: dict[str, Any]) -> str:
    p["deploy-prod"]["rules"][0]["when"] = "by-hand"
    return "deploy-prod"


def _matrix_not_a_list(p: dict[str, Any]) -> str:
    p["rehearse"]["parallel"]["matrix"] = "dev staging prod"
    return "rehearse"


def _environment_with_an_unknown_key(p: dict[str, Any]) -> str:
    p["deploy-prod"]["environment"]["protected"] = True
    return "deploy-prod"


def _report_path_not_a_path(p: dict[str, Any]) -> str:
    p["rehearse"]["artifacts"]["reports"]["terraform"] = {"path": "out/dev/terraform.json"}
    return "rehearse"


@pytest.mark.parametrize(
    "breakage",
    [
        _unknown_job_keyword,
        _when_not_a_when,
        _matrix_not_a_list,
        _environment_with_an_unknown_key,
        _report_path_not_a_path,
    ],
)
def test_the_schema_refuses_a_broken_pipeline(breakage: Callable[[dict[str, Any]], str]) -> None:
    schema = json.loads((SCHEMAS / "gitlab-ci.json").read_text(encoding="utf-8"))
    broken = copy.deepcopy(load_pipeline())
    job = breakage(broken)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(broken))
    assert errors, f"{breakage.__name__}: the schema accepted it"
    assert {e.absolute_path[0] for e in errors if e.absolute_path} == {job}, breakage.__name__


def test_the_vendored_schema_is_the_one_its_readme_entry_describes() -> None:
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    (entry,) = [p for p in readme.split("\n\n") if p.startswith("`gitlab-ci.json`")]
    digest = hashlib.sha256((SCHEMAS / "gitlab-ci.json").read_bytes()).hexdigest()
    assert digest in entry, "gitlab-ci.json changed: update its README entry (source, version, date, sha256)"
    for fact in ("`check-jsonschema` 0.39.0", "app/assets/javascripts/editor/schema/ci.json", "2026-11-30"):
        assert fact in entry, fact


def test_merge_request_from_this_project_gets_every_check() -> None:
    assert pipeline_for(MR) == {
        "test": "on_success",
        "rehearse": "on_success",
        "note": "always",
        "preview": "on_success",
    }


def test_merge_request_from_a_fork_gets_no_preview_in_either_project() -> None:
    # A maintainer ran it in this project: the note, never the credentials of the preview.
    assert pipeline_for(FORK_MR_IN_PARENT) == {
        "test": "on_success",
        "rehearse": "on_success",
        "note": "always",
    }
    # Its own pipeline in the fork: the rehearsal, and no job that would need this project's variables.
    assert pipeline_for(FORK_MR_IN_FORK) == {"test": "on_success", "rehearse": "on_success"}


def test_note_only_with_the_token() -> None:
    assert "note" not in pipeline_for({**MR, "POSTINGS_NOTE_TOKEN": ""})
    assert "note" not in pipeline_for({k: v for k, v in MR.items() if k != "POSTINGS_NOTE_TOKEN"})
    note = jobs(load_pipeline())["note"]
    assert note["needs"] == [{"job": "rehearse", "artifacts": True}]
    loop = [line.strip() for line in shell_lines(note)]
    assert loop[loop.index("for stack in dev staging prod; do") + 1] == (
        'scripts/ci/gitlab-note "$stack" "out/$stack/comment.md" || status=1'
    )


def test_default_branch_deploys_staging_and_offers_prod_by_hand() -> None:
    assert pipeline_for(PUSH_MAIN) == {
        "test": "on_success",
        "rehearse-main": "on_success",
        "deploy-staging": "on_success",
        "deploy-prod": "manual",
    }
    # "Run pipeline" on the default branch: prod can be deployed by hand, staging only follows pushes.
    assert pipeline_for({**PUSH_MAIN, "CI_PIPELINE_SOURCE": "web"}) == {
        "test": "on_success",
        "rehearse-main": "on_success",
        "deploy-prod": "manual",
    }
    assert pipeline_for({**PUSH_MAIN, "CI_COMMIT_BRANCH": "feature"}) == {}


def test_prod_is_manual_on_its_protected_environment_and_one_deploy_at_a_time() -> None:
    all_jobs = jobs(load_pipeline())
    prod, staging = all_jobs["deploy-prod"], all_jobs["deploy-staging"]
    assert prod["environment"] == {"name": "prod"}
    assert prod["rules"][0]["when"] == "manual"
    assert staging["environment"] == {"name": "staging"}
    assert (prod["resource_group"], staging["resource_group"]) == ("deploy-prod", "deploy-staging")
    for job in (prod, staging):
        stack = job["variables"]["STACK"]
        assert job["interruptible"] is False
        # After the tests and the offline rehearsal of the same stack, on the same commit.
        assert job["needs"] == ["test", {"job": "rehearse-main", "parallel": {"matrix": [{"STACK": stack}]}}]
        assert shell_lines(job)[-1] == 'scripts/ci/deploy "$STACK"'
    assert (prod["variables"]["STACK"], staging["variables"]["STACK"]) == ("prod", "staging")
    assert all_jobs["rehearse-main"]["parallel"]["matrix"] == [{"STACK": ["staging", "prod"]}]
    assert "id_tokens" not in all_jobs["rehearse-main"]
    # GitLab keeps a protected environment's rules in the project's settings: the set-up guide says which.
    guide = (ROOT / "docs" / "gitlab.md").read_text(encoding="utf-8")
    assert "Protected environments" in guide
    assert "`prod`" in guide


def test_rehearse_runs_every_stack_and_its_reports_are_what_the_scripts_write() -> None:
    rehearse = jobs(load_pipeline())["rehearse"]
    assert rehearse["parallel"]["matrix"] == [{"STACK": STACKS}]
    for stack in STACKS:
        assert (ROOT / "stacks" / f"Pulumi.{stack}.yaml").is_file(), stack
    lines = shell_lines(rehearse)
    call = next(shlex.split(line) for line in lines if "scripts/ci/rehearse-change" in line)
    stack, base, head, out = call[1:5]
    assert (stack, base, head) == ("$STACK", "base", ".")
    assert 'git worktree add --detach base "$CI_MERGE_REQUEST_DIFF_BASE_SHA"' in lines
    policy = next(shlex.split(line.split("||")[0]) for line in lines if "infra policy" in line)
    assert policy[policy.index("--format") + 1] == "codequality"
    artifacts = rehearse["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["paths"] == [f"{out}/"]
    assert artifacts["reports"] == {
        "terraform": f"{out}/terraform.json",
        "codequality": policy[policy.index("--output") + 1],
    }
    assert artifacts["reports"]["codequality"] == f"{out}/codequality.json"
    # The contract rehearse-change documents: the Terraform report and the comment the note posts.
    contract = (ROOT / "scripts" / "ci" / "rehearse-change").read_text(encoding="utf-8")
    assert "terraform.json" in contract
    assert "comment.md" in contract


@pytest.mark.parametrize(
    ("labels", "allowed"),
    [
        ("", "false"),
        ("allow-destructive", "true"),
        ("infra,allow-destructive,review", "true"),
        ("allow-destructive-later", "false"),
        ("not-allow-destructive", "false"),
        ("Allow-Destructive", "false"),
    ],
)
def test_the_acknowledgement_is_the_merge_request_label(labels: str, allowed: str) -> None:
    rehearse = jobs(load_pipeline())["rehearse"]
    (parse,) = [item for item in rehearse["script"] if "CI_MERGE_REQUEST_LABELS" in item]
    completed = subprocess.run(
        ["bash", "-c", f'{parse}\necho "$ALLOW_DESTRUCTIVE"'],
        env={"CI_MERGE_REQUEST_LABELS": labels, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == f"{allowed}\n", labels
    assert "ALLOW_DESTRUCTIVE" not in json.dumps(load_pipeline().get("variables", {}))
    assert "ALLOW_DESTRUCTIVE" not in json.dumps(rehearse.get("variables", {}))


def _called_scripts(pipeline: dict[str, Any]) -> set[str]:
    called = set()
    for job in jobs(pipeline).values():
        for line in shell_lines(job):
            called |= set(re.findall(r"(?<![\w/.])(scripts/[\w./-]+)", line))
    return called


def test_every_script_the_pipeline_calls_exists_and_is_executable() -> None:
    called = _called_scripts(load_pipeline())
    assert called == {
        "scripts/test",
        "scripts/services.sh",
        "scripts/ci/rehearse-change",
        "scripts/ci/gitlab-note",
        "scripts/ci/preview",
        "scripts/ci/deploy",
        "scripts/ci/drift",
    }
    for script in called - {"scripts/services.sh"}:  # services.sh is sourced, not run
        path = ROOT / script
        assert path.is_file(), script
        assert path.stat().st_mode & 0o111, f"{script} is not executable"


INFRA_CALL = re.compile(r"(?:^|[\s(])(?:(?:\.venv(?:-tools)?/bin/)?infra|-m infra\.cli) ([^|;&\n]+)")
SUBSTITUTIONS = {'"$STACK"': "dev", '"$stack"': "dev", '"$sha"': SHA, "out/$STACK/": "out/dev/"}


def _infra_calls() -> list[str]:
    lines = [line for job in jobs(load_pipeline()).values() for line in shell_lines(job)]
    lines += [
        line for line in DEPLOY.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")
    ]
    calls = []
    for line in lines:
        for match in INFRA_CALL.finditer(line):
            call = match.group(1).strip()
            for placeholder, value in SUBSTITUTIONS.items():
                call = call.replace(placeholder, value)
            calls.append(call)
    return calls


def test_every_infra_call_parses() -> None:
    calls = _infra_calls()
    assert [call.split()[0] for call in calls] == ["policy", "rehearse", "release", "release", "migrate"], (
        calls
    )
    parser = build_parser()
    for call in calls:
        args = parser.parse_args(shlex.split(call))
        assert callable(args.handler), call
        assert args.stack == "dev", call


def test_jobs_with_credentials_install_only_pinned_packages() -> None:
    all_jobs = jobs(load_pipeline())
    with_tokens = {name for name, job in all_jobs.items() if "id_tokens" in job}
    assert with_tokens == {"preview", "drift", "deploy-staging", "deploy-prod"}
    for name in with_tokens:
        job = all_jobs[name]
        assert job["id_tokens"] == {"AWS_ID_TOKEN": {"aud": "sts.amazonaws.com"}}, name
        installs = [line.split("pip install ")[1] for line in shell_lines(job) if "pip install" in line]
        expected = ["--quiet --require-hashes -r requirements/policy.txt"]
        if name.startswith("deploy-"):
            expected += ["--quiet --require-hashes -r requirements/dev.txt", "--quiet --no-deps -e ."]
        assert installs == expected, name
    # The program and the policy pack run in the one .venv that requirements/policy.txt pins with hashes.
    policy = (ROOT / "requirements" / "policy.txt").read_text(encoding="utf-8")
    for package in ("pulumi", "pulumi-aws", "pulumi-policy"):
        assert re.search(rf"^{package}==[\d.]+ \\\n +--hash=sha256:[0-9a-f]{{64}}", policy, re.M), package


def test_the_pulumi_cli_is_pinned_to_the_sdk_version_the_program_runs() -> None:
    (sdk,) = re.findall(
        r"^pulumi==([\d.]+) ", (ROOT / "requirements" / "policy.txt").read_text(encoding="utf-8"), re.M
    )
    images = {name: job["image"] for name, job in jobs(load_pipeline()).items() if "id_tokens" in job}
    assert set(images.values()) == {f"pulumi/pulumi-python-3.11:{sdk}"}, images


def test_test_job_runs_the_servers_in_its_own_container_and_caches_pip() -> None:
    pipeline = load_pipeline()
    test = jobs(pipeline)["test"]
    image = test.get("image", pipeline["default"]["image"])
    assert re.fullmatch(r"python:3\.11-(trixie|bookworm)", image), image
    install = next(line for line in shell_lines(test) if "apt-get install" in line).split()
    for package in ("mariadb-server", "redis-server", "rabbitmq-server", "openssh-server", "nodejs", "npm"):
        assert package in install, package
    assert "services" not in test
    assert shell_lines(test)[-1] == "scripts/test"
    assert pipeline["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert test["cache"]["paths"] == [".cache/pip"]


def test_preview_and_deploy_call_pulumi_with_the_policy_pack() -> None:
    for script in (PREVIEW, DEPLOY):
        text = script.read_text(encoding="utf-8")
        assert "--policy-pack infra/policies" in text, script.name
    assert (ROOT / "infra" / "policies" / "PulumiPolicy.yaml").is_file()


def test_the_note_script_is_clean_for_ruff_and_mypy() -> None:
    # It has no .py suffix, so `ruff check .` and mypy's configured files leave it out.
    tools = Path(sys.executable).parent
    for command in (
        [str(tools / "ruff"), "check", str(NOTE)],
        [str(tools / "ruff"), "format", "--check", str(NOTE)],
        [str(tools / "mypy"), str(NOTE)],
    ):
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        assert completed.returncode == 0, completed.stdout + completed.stderr


# --- scripts/ci/gitlab-note against a stand-in for GitLab's notes API -------------------------------------

TOKEN = "glpat-test-token"
NOTES_PATH = re.compile(
    r"^/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>\d+)/notes(?:/(?P<id>\d+))?$"
)
MAX_NOTE = 1_000_000


class FakeGitLab(ThreadingHTTPServer):
    """List (offset pagination), create and update the notes of one MR, as GitLab's Notes API documents
    them: PRIVATE-TOKEN authentication, `per_page` capped at 100, X-Next-Page empty on the last page, 201 on
    create, a note longer than 1,000,000 characters refused with 400."""

    def __init__(self, project: str, iid: str) -> None:
        super().__init__(("127.0.0.1", 0), NotesHandler)
        self.project, self.iid = project, iid
        self.notes: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []

    def add(self, body: str, *, system: bool = False, author: str = "project_100_bot") -> dict[str, Any]:
        note = {
            "id": 1000 + len(self.notes),
            "body": body,
            "system": system,
            "author": {"username": author},
            "noteable_type": "MergeRequest",
        }
        self.notes.append(note)
        return note

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v4"


class NotesHandler(BaseHTTPRequestHandler):
    server: FakeGitLab

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _route(self) -> tuple[re.Match[str], dict[str, list[str]]] | None:
        url = urllib.parse.urlsplit(self.path)
        self.server.requests.append((self.command, self.path))
        if self.headers.get("PRIVATE-TOKEN") != TOKEN:
            self._send(401, {"message": "401 Unauthorized"})
            return None
        match = NOTES_PATH.match(url.path)
        if not match or match["project"] != self.server.project or match["iid"] != self.server.iid:
            self._send(404, {"message": "404 Not found"})
            return None
        return match, urllib.parse.parse_qs(url.query)

    def _body(self) -> str | None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Type", "").startswith("application/json"):
            value = json.loads(raw).get("body")
        else:
            value = urllib.parse.parse_qs(raw.decode("utf-8")).get("body", [None])[0]
        if not value:
            self._send(400, {"error": "body is missing"})
            return None
        if len(value) > MAX_NOTE:
            self._send(400, {"message": {"note": [f"is too long (maximum is {MAX_NOTE} characters)"]}})
            return None
        return str(value)

    def do_GET(self) -> None:
        routed = self._route()
        if routed is None:
            return
        match, query = routed
        if match["id"]:
            self._send(405, {"message": "405 Method Not Allowed"})
            return
        page = int(query.get("page", ["1"])[0])
        per_page = min(int(query.get("per_page", ["20"])[0]), 100)
        ordered = self.server.notes if query.get("sort", ["desc"])[0] == "asc" else self.server.notes[::-1]
        pages = max(1, -(-len(ordered) // per_page))
        chunk = ordered[(page - 1) * per_page : page * per_page]
        self._send(
            200,
            chunk,
            {
                "X-Page": str(page),
                "X-Per-Page": str(per_page),
                "X-Total": str(len(ordered)),
                "X-Total-Pages": str(pages),
                "X-Next-Page": str(page + 1) if page < pages else "",
                "X-Prev-Page": str(page - 1) if page > 1 else "",
            },
        )

    def do_POST(self) -> None:
        routed = self._route()
        if routed is None:
            return
        if routed[0]["id"]:
            self._send(404, {"message": "404 Not found"})
            return
        body = self._body()
        if body is not None:
            self._send(201, self.server.add(body))

    def do_PUT(self) -> None:
        routed = self._route()
        if routed is None:
            return
        note_id = routed[0]["id"]
        note = next((n for n in self.server.notes if note_id and n["id"] == int(note_id)), None)
        if note is None:
            self._send(404, {"message": "404 Not found"})
            return
        body = self._body()
        if body is not None:
            note["body"] = body
            self._send(200, note)


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    server = FakeGitLab(project="100", iid="7")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def note_env(server: FakeGitLab, **overrides: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "CI_API_V4_URL": server.api_url,
        "CI_PROJECT_ID": "100",
        "CI_MERGE_REQUEST_PROJECT_ID": "100",
        "CI_MERGE_REQUEST_IID": "7",
        "CI_PIPELINE_URL": "https://gitlab.example/group/postings/-/pipelines/55",
        "POSTINGS_NOTE_TOKEN": TOKEN,
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value != "<unset>"}


def run_note(env: dict[str, str], stack: str, comment: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(NOTE), stack, str(comment)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def notes_with(server: FakeGitLab, marker: str) -> list[dict[str, Any]]:
    return [n for n in server.notes if n["body"].startswith(marker)]


DEV = "<!-- infra-rehearsal:dev -->"
STAGING = "<!-- infra-rehearsal:staging -->"


def test_note_is_created_then_updated_in_place_past_the_first_page(
    gitlab: FakeGitLab, tmp_path: Path
) -> None:
    for i in range(60):
        gitlab.add(f"review comment {i}", author="reviewer")
    staging = gitlab.add(f"{STAGING}\nstaging: no changes")
    gitlab.add(f"{DEV}\nadded a label", system=True)  # GitLab's own notes are never the rehearsal's
    for i in range(60):
        gitlab.add(f"later comment {i}", author="reviewer")
    comment = tmp_path / "comment.md"
    comment.write_text(f"{DEV}\n### dev: 2 to create\n", encoding="utf-8")

    first = run_note(note_env(gitlab), "dev", comment)
    assert first.returncode == 0, first.stderr
    (created,) = [n for n in notes_with(gitlab, DEV) if not n["system"]]
    assert first.stdout == f"gitlab-note: created note {created['id']} for dev\n"
    assert created["body"] == comment.read_text(encoding="utf-8")
    assert len(gitlab.notes) == 123

    comment.write_text(f"{DEV}\n### dev: 3 to create\n", encoding="utf-8")
    gitlab.requests.clear()
    second = run_note(note_env(gitlab), "dev", comment)
    assert second.returncode == 0, second.stderr
    assert second.stdout == f"gitlab-note: updated note {created['id']} for dev\n"
    assert created["body"] == f"{DEV}\n### dev: 3 to create\n"
    assert len(gitlab.notes) == 123
    assert staging["body"] == f"{STAGING}\nstaging: no changes"
    # 123 notes at 100 a page: the note it updates is on page 2, which it read.
    gets = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) for method, path in gitlab.requests]
    assert [q["page"] for q in gets[:2]] == [["1"], ["2"]]
    assert [method for method, _ in gitlab.requests] == ["GET", "GET", "PUT"]


def test_another_stacks_note_is_left_alone(gitlab: FakeGitLab, tmp_path: Path) -> None:
    staging = gitlab.add(f"{STAGING}\nstaging: no changes")
    comment = tmp_path / "comment.md"
    comment.write_text(f"{DEV}\ndev: 1 to create\n", encoding="utf-8")
    assert run_note(note_env(gitlab), "dev", comment).returncode == 0
    assert run_note(note_env(gitlab), "dev", comment).returncode == 0
    assert staging["body"] == f"{STAGING}\nstaging: no changes"
    assert len(notes_with(gitlab, DEV)) == 1
    assert len(gitlab.notes) == 2


def test_missing_token_is_one_clear_line(gitlab: FakeGitLab, tmp_path: Path) -> None:
    comment = tmp_path / "comment.md"
    comment.write_text(f"{DEV}\n", encoding="utf-8")
    completed = run_note(note_env(gitlab, POSTINGS_NOTE_TOKEN="<unset>"), "dev", comment)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == (
        "gitlab-note: POSTINGS_NOTE_TOKEN is not set: this runs in a merge request pipeline of the project, "
        "with POSTINGS_NOTE_TOKEN a masked CI/CD variable (docs/gitlab.md)\n"
    )
    assert gitlab.requests == []


def test_http_error_is_one_line_without_the_token(gitlab: FakeGitLab, tmp_path: Path) -> None:
    comment = tmp_path / "comment.md"
    comment.write_text(f"{DEV}\n", encoding="utf-8")
    completed = run_note(note_env(gitlab, POSTINGS_NOTE_TOKEN="glpat-revoked"), "dev", comment)
    assert completed.returncode == 1
    notes_url = f"{gitlab.api_url}/projects/100/merge_requests/7/notes"
    assert completed.stderr == f"gitlab-note: GET {notes_url}: HTTP 401 Unauthorized: 401 Unauthorized\n"
    assert "glpat" not in completed.stderr


def test_unreachable_gitlab_is_one_line(tmp_path: Path) -> None:
    closed = FakeGitLab(project="100", iid="7")
    url = closed.api_url
    closed.server_close()  # nothing listens on that port any more
    comment = tmp_path / "comment.md"
    comment.write_text(f"{DEV}\n", encoding="utf-8")
    env = note_env(closed, CI_API_V4_URL=url)
    completed = run_note(env, "dev", comment)
    assert completed.returncode == 1
    assert completed.stderr.startswith(
        f"gitlab-note: GET {url}/projects/100/merge_requests/7/notes: cannot reach"
    )
    assert completed.stderr.count("\n") == 1


def test_a_comment_past_gitlabs_limit_is_cut_and_says_where_the_rest_is(
    gitlab: FakeGitLab, tmp_path: Path
) -> None:
    comment = tmp_path / "comment.md"
    comment.write_text(f"{DEV}\n" + "| row |\n" * 200_000, encoding="utf-8")
    completed = run_note(note_env(gitlab), "dev", comment)
    assert completed.returncode == 0, completed.stderr
    (note,) = gitlab.notes
    assert len(note["body"]) == MAX_NOTE
    assert note["body"].startswith(f"{DEV}\n| row |\n")
    assert note["body"].endswith("`out/dev/comment.md` in the artifacts of the `rehearse` job for dev.*\n")


def test_a_rehearsal_that_wrote_no_comment_still_gets_its_note(gitlab: FakeGitLab, tmp_path: Path) -> None:
    completed = run_note(note_env(gitlab), "prod", tmp_path / "missing.md")
    assert completed.returncode == 0, completed.stderr
    (note,) = gitlab.notes
    assert note["body"].startswith("<!-- infra-rehearsal:prod -->\n")
    assert "https://gitlab.example/group/postings/-/pipelines/55" in note["body"]


def test_a_comment_of_another_stack_is_refused(gitlab: FakeGitLab, tmp_path: Path) -> None:
    comment = tmp_path / "comment.md"
    comment.write_text(f"{STAGING}\n", encoding="utf-8")
    completed = run_note(note_env(gitlab), "dev", comment)
    assert completed.returncode == 2
    assert completed.stderr == (
        f"gitlab-note: {comment} does not start with {DEV}: it is not the dev rehearsal's comment\n"
    )
    assert gitlab.requests == []


def test_the_note_job_notes_every_stack_and_fails_after(gitlab: FakeGitLab, tmp_path: Path) -> None:
    (script,) = jobs(load_pipeline())["note"]["script"]
    (tmp_path / "scripts" / "ci").mkdir(parents=True)
    (tmp_path / "scripts" / "ci" / "gitlab-note").write_bytes(NOTE.read_bytes())
    (tmp_path / "scripts" / "ci" / "gitlab-note").chmod(0o755)
    for stack, body in (
        ("dev", f"{STAGING}\n"),
        ("prod", "<!-- infra-rehearsal:prod -->\nprod: no changes\n"),
    ):
        (tmp_path / "out" / stack).mkdir(parents=True)
        (tmp_path / "out" / stack / "comment.md").write_text(body, encoding="utf-8")
    env = note_env(gitlab, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    completed = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    # dev's comment is not dev's: refused; staging wrote none: its note says so; prod's is posted.
    assert completed.returncode == 1
    assert "is not the dev rehearsal's comment" in completed.stderr
    assert [n["body"].splitlines()[0] for n in gitlab.notes] == [STAGING, "<!-- infra-rehearsal:prod -->"]


# --- scripts/ci/deploy and scripts/ci/preview with recording executables ---------------------------------

RECORDER = """#!{python}
import json, os, sys
call = [os.path.basename(sys.argv[0]), *sys.argv[1:]]
with open(os.environ["RECORD"], "a", encoding="utf-8") as record:
    record.write(json.dumps(call) + "\\n")
failing = os.environ.get("FAIL_ON", "")
sys.exit(7 if failing and " ".join(call).startswith(failing) else 0)
"""


@pytest.fixture
def checkout(tmp_path: Path) -> tuple[Path, str]:
    """A commit holding the scripts, Pulumi.yaml and the stack files: what a CI job checks out."""
    repo = tmp_path / "repo"
    (repo / "scripts" / "ci").mkdir(parents=True)
    (repo / "stacks").mkdir()
    for script in (DEPLOY, PREVIEW):
        target = repo / "scripts" / "ci" / script.name
        target.write_bytes(script.read_bytes())
        target.chmod(0o755)
    (repo / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for stack in STACKS:
        (repo / "stacks" / f"Pulumi.{stack}.yaml").write_text("config: {}\n", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=ci", "-c", "user.email=ci@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "deploy me"], check=True)
    sha = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return repo, sha


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """`infra` and `pulumi` that record their arguments: no AWS account or Pulumi CLI exists here."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("infra", "pulumi"):
        tool = bin_dir / name
        tool.write_text(RECORDER.format(python=sys.executable), encoding="utf-8")
        tool.chmod(0o755)
    return bin_dir


def run_script(
    script: Path, bin_dir: Path, *args: str, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    record = bin_dir.parent / "calls.jsonl"
    record.unlink(missing_ok=True)
    completed = subprocess.run(
        [str(script), *args],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "RECORD": str(record), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    calls = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    return completed, calls


def test_deploy_releases_migrates_then_runs_pulumi_up_on_the_commit(
    checkout: tuple[Path, str], recording: Path
) -> None:
    """`infra` and `pulumi` are recording executables on PATH: no AWS account or Pulumi CLI exists here."""
    repo, sha = checkout
    completed, calls = run_script(
        repo / "scripts/ci/deploy", recording, "staging", CI_COMMIT_SHA=sha, PULUMI_ORGANIZATION="acme"
    )
    assert completed.returncode == 0, completed.stderr
    assert calls == [
        ["infra", "release", "staging"],
        ["infra", "release", "staging", "--checks"],
        ["infra", "migrate", "staging", "--image", sha],
        [
            "pulumi",
            "up",
            "--stack",
            "acme/postings/staging",
            "--yes",
            "--non-interactive",
            "--diff",
            "--policy-pack",
            "infra/policies",
            "--config",
            f"postings:imageTag={sha}",
        ],
    ]


def test_deploy_takes_githubs_sha_and_the_plain_stack_name(
    checkout: tuple[Path, str], recording: Path
) -> None:
    """`infra` and `pulumi` are recording executables on PATH: no AWS account or Pulumi CLI exists here."""
    repo, sha = checkout
    completed, calls = run_script(repo / "scripts/ci/deploy", recording, "prod", GITHUB_SHA=sha)
    assert completed.returncode == 0, completed.stderr
    assert [call[:3] for call in calls] == [
        ["infra", "release", "prod"],
        ["infra", "release", "prod"],
        ["infra", "migrate", "prod"],
        ["pulumi", "up", "--stack"],
    ]
    assert calls[3][3] == "prod"


@pytest.mark.parametrize(
    ("failing", "reached"),
    [
        ("infra release prod", 1),
        ("infra release prod --checks", 2),
        ("infra migrate", 3),
        ("pulumi up", 4),
    ],
)
def test_deploy_stops_at_the_first_failure(
    checkout: tuple[Path, str], recording: Path, failing: str, reached: int
) -> None:
    """`infra` and `pulumi` are recording executables on PATH: no AWS account or Pulumi CLI exists here.
    A failed migration must never reach `pulumi up`: the services keep the image they run."""
    repo, sha = checkout
    # "infra release prod" also prefixes the --checks call: the first release is the one that fails.
    completed, calls = run_script(
        repo / "scripts/ci/deploy", recording, "prod", CI_COMMIT_SHA=sha, FAIL_ON=failing
    )
    assert completed.returncode == 7
    assert len(calls) == reached, calls
    assert " ".join(calls[-1]).startswith(failing)
    if failing != "pulumi up":
        assert all(call[0] == "infra" for call in calls)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {"CI_COMMIT_SHA": "<head>"}, "scripts/ci/deploy: usage: scripts/ci/deploy STACK\n"),
        (
            ("qa",),
            {"CI_COMMIT_SHA": "<head>"},
            "scripts/ci/deploy: no stack 'qa': there is no stacks/Pulumi.qa.yaml\n",
        ),
        (("prod",), {}, "scripts/ci/deploy: no commit to deploy: set GITHUB_SHA or CI_COMMIT_SHA\n"),
        (
            ("prod",),
            {"CI_COMMIT_SHA": SHA},
            f"scripts/ci/deploy: the checkout is <head>, not {SHA}: deploy the commit that is checked out\n",
        ),
    ],
)
def test_deploy_refuses_before_touching_anything(
    checkout: tuple[Path, str], recording: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    """`infra` and `pulumi` are recording executables on PATH: no AWS account or Pulumi CLI exists here."""
    repo, sha = checkout
    env = {key: value.replace("<head>", sha) for key, value in env.items()}
    completed, calls = run_script(repo / "scripts/ci/deploy", recording, *args, **env)
    assert completed.returncode == 2
    assert completed.stderr == message.replace("<head>", sha)
    assert calls == []


def test_preview_runs_the_real_preview_with_the_policy_pack(
    checkout: tuple[Path, str], recording: Path
) -> None:
    """`pulumi` is a recording executable on PATH: no Pulumi CLI exists here."""
    repo, _ = checkout
    completed, calls = run_script(repo / "scripts/ci/preview", recording, "dev", PULUMI_ORGANIZATION="acme")
    assert completed.returncode == 0, completed.stderr
    assert calls == [
        [
            "pulumi",
            "preview",
            "--stack",
            "acme/postings/dev",
            "--non-interactive",
            "--diff",
            "--policy-pack",
            "infra/policies",
        ]
    ]
    completed, calls = run_script(repo / "scripts/ci/preview", recording, "qa")
    assert (completed.returncode, calls) == (2, [])
