"""docs/deploy.md and deploy/: the guide's commands run; what needs systemd, nginx or a container engine is
checked as far as this machine allows (unit files verified, compose parsed, the container file's install
commands identical to the guide's, alert rules and the dashboard naming real metrics)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from contactnotes.observability import metrics
from contactnotes.settings import Settings
from tests.live import free_port, start_server, stop_server

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
DEPLOY = ROOT / "deploy"
NOT_RUN = "not run by the tests"


@dataclass
class Block:
    context: str  # the prose since the previous block
    body: str

    @property
    def runnable(self) -> bool:
        return NOT_RUN not in self.context


def blocks() -> list[Block]:
    found, context, body, inside = [], [], [], False
    for line in GUIDE.read_text().splitlines():
        if not inside and line.strip() == "```sh":
            inside, body = True, []
        elif inside and line.strip() == "```":
            found.append(Block("\n".join(context), "\n".join(body)))
            inside, context = False, []
        elif inside:
            body.append(line)
        else:
            context.append(line)
    return found


def install_block() -> list[str]:
    [block] = [b for b in blocks() if "python3 -m venv /opt/contactnotes" in b.body]
    return [line for line in block.body.splitlines() if "/opt/contactnotes/bin/pip" in line or "venv" in line]


def settings_named(text: str) -> set[str]:
    return set(re.findall(r"\bCONTACTNOTES_([A-Z0-9_]+)\b", text))


def test_every_shell_block_is_run_or_says_why_not() -> None:
    found = blocks()
    assert len(found) >= 8
    for block in found:
        if not block.runnable:
            # What cannot run here is named, so a reader knows the test did not run it.
            assert any(word in block.context for word in ("systemd", "nginx", "container")), block.body


def test_every_setting_the_guide_and_deploy_files_name_exists() -> None:
    known = {name.upper() for name in Settings.model_fields}
    for path in [GUIDE, *DEPLOY.rglob("*")]:
        if path.is_file():
            unknown = settings_named(path.read_text()) - known
            assert not unknown, f"{path.name} names unknown settings {unknown}"


class Sandbox:
    """Where the guide's absolute paths land, and the environment an operator would have sourced."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.work = tmp / "checkout"
        self.port = free_port()
        self.paths = {
            "/opt/contactnotes": tmp / "opt" / "contactnotes",
            "/etc/contactnotes": tmp / "etc" / "contactnotes",
            "/var/lib/contactnotes": tmp / "var" / "lib" / "contactnotes",
            "/var/backups/contactnotes": tmp / "backups",
        }

    def rewrite(self, text: str) -> str:
        for path, moved in self.paths.items():
            text = text.replace(path, str(moved))
        return text.replace("sudo ", "").replace("127.0.0.1:8001", f"127.0.0.1:{self.port}")

    @property
    def env_file(self) -> Path:
        return self.paths["/etc/contactnotes"] / "contactnotes.env"

    def configure(self, database: Path) -> None:
        """What the guide asks the operator to edit: here, an embedded database and nothing shared."""
        lines = self.env_file.read_text().splitlines()
        dropped = ("REDIS_URL", "EMBEDDED_WORKER", "HEALTH_EXPECT_WORKER", "WORKER_METRICS_ADDRESS", "DATABASE_URL")
        kept = [line for line in lines if not any(f"CONTACTNOTES_{name}=" in line for name in dropped)]
        kept.append(f"CONTACTNOTES_DATABASE_URL=sqlite+aiosqlite:///{database}")
        self.env_file.write_text(self.rewrite("\n".join(kept)) + "\n")

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTNOTES_")}
        if self.env_file.exists():
            for line in self.env_file.read_text().splitlines():
                if line and not line.startswith("#"):
                    key, _, value = line.partition("=")
                    env[key] = value
        return env

    def run(self, block: Block) -> subprocess.CompletedProcess[str]:
        script = self.rewrite(block.body)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=self.work,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        return done

    def prepare(self) -> None:
        """A checkout of the release, and a virtualenv whose dependencies are already there: the install
        commands then run for real, but take the packages from the development environment, not PyPI."""
        self.work.mkdir(parents=True)
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, self.work / name)
        for name in ("src", "requirements", "deploy"):
            shutil.copytree(ROOT / name, self.work / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        venv = self.paths["/opt/contactnotes"]
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        site = subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # A plain path (not an addsitedir): the development checkout's editable install is not loaded.
        Path(site, "dev-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")


def test_the_guides_commands_run(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path)
    sandbox.prepare()
    runnable = [block for block in blocks() if block.runnable]
    server = None
    try:
        for block in runnable:
            if "curl" in block.body and server is None:
                server = start_server(sandbox.environment(), sandbox.port)
            if "contactnotes restore" in block.body:
                # Restore goes into a new, empty database, as the guide advises.
                sandbox.configure(tmp_path / "restored.db")
            done = sandbox.run(block)
            if "contactnotes.env /etc/contactnotes" in block.body:
                sandbox.configure(tmp_path / "contactnotes.db")
            if "contactnotes --help" in block.body:
                assert "backup" in done.stdout and "serve" in done.stdout
            if "/metrics" in block.body:
                assert "contactnotes_http_requests_total" in done.stdout
            if "contactnotes backup" in block.body:
                assert "manifest.json" in done.stdout
    finally:
        if server is not None:
            stop_server(server)
    installed = sandbox.paths["/opt/contactnotes"] / "bin" / "contactnotes"
    assert installed.exists()  # the console script of the installed release, not the checkout's
    restored = subprocess.run(
        [str(installed), "--help"], capture_output=True, text=True, env=sandbox.environment(), check=True
    )
    assert "restore" in restored.stdout


def test_the_container_file_installs_with_the_guides_commands() -> None:
    runs = [
        line.removeprefix("RUN ").strip()
        for line in (DEPLOY / "Containerfile").read_text().splitlines()
        if line.startswith("RUN ") and "/opt/contactnotes" in line
    ]
    assert runs == install_block()[: len(runs)] and len(runs) == 3
    text = (DEPLOY / "Containerfile").read_text()
    assert 'CMD ["contactnotes", "serve", "--host", "0.0.0.0", "--port", "8000"]' in text


def test_the_compose_file_parses_and_runs_the_guides_processes() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"api", "worker", "migrate", "postgres", "redis", "s3", "bucket"} <= set(services)
    everywhere = "0.0.0.0"  # noqa: S104 (inside the container)
    assert services["api"]["command"] == ["contactnotes", "serve", "--host", everywhere, "--port", "8000"]
    assert services["worker"]["command"] == ["contactnotes", "worker"]
    assert services["migrate"]["command"] == ["contactnotes", "migrate"]
    assert services["api"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    environment = services["worker"]["environment"]
    assert environment["CONTACTNOTES_EMBEDDED_WORKER"] == "false"
    assert environment["CONTACTNOTES_S3_ENDPOINT_URL"] == "http://s3:9000"
    assert services["api"]["environment"]["CONTACTNOTES_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path: Path) -> None:
    env_file = tmp_path / "contactnotes.env"
    env_file.write_text((DEPLOY / "systemd" / "contactnotes.env").read_text())
    for unit in (DEPLOY / "systemd").glob("contactnotes-*"):
        text = unit.read_text().replace(
            "/opt/contactnotes/bin/contactnotes", str(Path(sys.executable).parent / "contactnotes")
        )
        text = text.replace("/etc/contactnotes/contactnotes.env", str(env_file))
        text = text.replace("User=contactnotes", "User=root").replace("Group=contactnotes", "Group=root")
        (tmp_path / unit.name).write_text(text)
    names = [
        "contactnotes-api@8001.service",
        "contactnotes-worker@1.service",
        "contactnotes-cleanup.service",
        "contactnotes-cleanup.timer",
    ]
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / name) for name in names)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    for block in blocks():  # every unit the guide starts is one of these files
        for name in re.findall(r"(contactnotes-[a-z]+)(?:@[\w]+)?\.?(service|timer)?", block.body):
            stem = name[0]
            assert any(path.name.startswith(stem) for path in (DEPLOY / "systemd").iterdir()), stem


def metric_names() -> set[str]:
    names = set()
    for collector in vars(metrics).values():
        if isinstance(collector, MetricWrapperBase):
            for family in collector.describe():
                suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"]}.get(family.type, [""])
                names |= {family.name + suffix for suffix in suffixes}
    return names


def test_alert_rules_and_the_dashboard_name_only_real_metrics() -> None:
    known = metric_names()
    assert "contactnotes_http_requests_total" in known and "contactnotes_outbox_backlog" in known
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((DEPLOY / "grafana" / "contactnotes-dashboard.json").read_text())
    expressions += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {name for expression in expressions for name in re.findall(r"contactnotes_[a-z_]+", expression)}
    assert used <= known, used - known
    assert {name.removesuffix("_total") for name in known if name.endswith("_total")} <= {
        name.removesuffix("_total").removesuffix("_bucket") for name in used
    } | {name.removesuffix("_total") for name in used}, "every counter is charted or alerted on"
    yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())


def test_the_proxy_config_streams_events_and_passes_request_ids() -> None:
    config = (DEPLOY / "nginx" / "contactnotes.conf").read_text()
    stream = config.split("location = /api/notifications/stream", 1)[1].split("}", 1)[0]
    assert "proxy_buffering off" in stream and "proxy_read_timeout 1h" in stream
    assert "proxy_set_header X-Request-ID $request_id" in config
    assert "ssl_certificate " in config and "listen 443 ssl" in config


def test_the_readme_links_the_guide() -> None:
    assert "[docs/deploy.md](docs/deploy.md)" in (ROOT / "README.md").read_text()
