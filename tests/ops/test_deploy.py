"""The container recipe, checked statically (no Docker engine on CI): compose parses,
every command is a real CLI job, every setting is documented, the image runs unprivileged."""
from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
import yaml

from bot.app.cli import build_parser
from bot.app.jobs import JOBS

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = ("BOT_", "SLACK_", "DISCORD_")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def postgres_compose():
    return yaml.safe_load((ROOT / "docker-compose.postgres.yml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "") for ln in lines]


def command_words(value) -> list[str]:
    if isinstance(value, str):
        value = yaml.safe_load(value) if value.startswith("[") else shlex.split(value)
    return [str(v) for v in value]


def assert_cli_job(words: list[str]) -> None:
    assert words[:3] == ["python", "-m", "bot"], words
    args = build_parser().parse_args(words[3:])  # argparse exits on an unknown job or option
    assert args.job in JOBS


def env_documented() -> set[str]:
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)
    return set(pattern.findall((ROOT / ".env.example").read_text()))


def env_read_by_code() -> set[str]:
    """Names the package reads: env.get("X"), os.environ["X"], getenv("X"), and any
    BOT_/SLACK_/DISCORD_ name it spells (settings helpers like _int(env, "X"))."""
    names = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.startswith(PREFIXES) and re.fullmatch(r"[A-Z][A-Z0-9_]+", node.value):
                names.add(node.value)
            elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                target = getattr(func, "value", None)
                if (getattr(func, "attr", None) == "get" and _is_env(target)) \
                        or getattr(func, "attr", getattr(func, "id", None)) == "getenv":
                    names.add(node.args[0].value)
            elif isinstance(node, ast.Subscript) and _is_env(node.value) and isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    return names


def _is_env(node) -> bool:
    return (isinstance(node, ast.Name) and node.id in ("env", "environ")) or \
        (isinstance(node, ast.Attribute) and node.attr == "environ")


def env_used_by_compose(compose) -> set[str]:
    names = set()
    for file in ("docker-compose.yml", "docker-compose.postgres.yml"):
        names |= set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", (ROOT / file).read_text()))
    for service in compose["services"].values():
        environment = service.get("environment") or {}
        names |= set(environment if isinstance(environment, dict) else (e.split("=")[0] for e in environment))
    return names


def test_compose_has_both_platforms_sharing_one_image_and_one_volume(compose):
    services = compose["services"]
    assert {"slack", "discord"} <= services.keys()
    assert len({s["image"] for s in services.values()}) == 1
    assert [name for name, s in services.items() if "build" in s] == ["slack"]  # built once
    assert "bot-data" in compose["volumes"]
    for service in services.values():
        data_dir = service["environment"]["BOT_DATA_DIR"]
        assert f"bot-data:{data_dir}" in service["volumes"]
        assert "env_file" not in service   # .env whole would hand every token to every service
    assert all(services[name]["restart"] == "unless-stopped" for name in ("slack", "discord", "slack-http"))


def given_names(service) -> set[str]:
    return set(service["environment"])


def test_each_service_gets_only_its_own_secrets(compose):
    secrets = {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN", "BOT_SYNC_TOKEN"}
    given = {name: secrets & set(s["environment"]) for name, s in compose["services"].items()}
    assert given == {"slack": {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"}, "discord": {"DISCORD_TOKEN"},
                     "slack-http": {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}, "sync": {"BOT_SYNC_TOKEN"}}
    for service in compose["services"].values():   # each filled in from .env by compose
        for name in given_names(service) & secrets:
            assert service["environment"][name] == f"${{{name}:-}}"


def test_every_documented_setting_reaches_a_service(compose, postgres_compose):
    passed = set()
    for services in (compose["services"], postgres_compose["services"]):   # BOT_DATABASE_URL: with PostgreSQL
        passed |= set().union(*(given_names(s) for s in services.values() if s.get("environment")))
    passed |= env_used_by_compose(compose) | {"POSTGRES_PASSWORD"}
    missing = env_documented() - passed
    assert not missing, f"set in .env but never given to a container: {sorted(missing)}"


def test_logs_are_rotated(compose):
    for service in compose["services"].values():
        assert service["logging"]["driver"] == "json-file"
        assert service["logging"]["options"]["max-size"] and int(service["logging"]["options"]["max-file"]) >= 2


def test_every_service_command_is_a_real_cli_job(compose):
    assert command_words(compose["services"]["slack"]["command"])[3] == "slack"
    assert command_words(compose["services"]["discord"]["command"])[3] == "discord"
    for service in compose["services"].values():
        assert_cli_job(command_words(service.get("entrypoint") or []) + command_words(service["command"]))


def test_every_service_checks_its_health_with_the_cli(compose):
    for name, service in compose["services"].items():
        if service["healthcheck"].get("disable"):
            assert name == "sync"   # a one-off job, not a service to watch
            continue
        test = service["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL")
        words = test[1:] if test[0] == "CMD" else shlex.split(test[1])
        assert words == ["python", "-m", "bot", "health"]
        assert_cli_job(words)


def test_every_setting_the_code_reads_is_documented():
    missing = env_read_by_code() - env_documented()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_variable_compose_uses_is_documented(compose):
    missing = env_used_by_compose(compose) - env_documented()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_names_nothing_stale(compose):
    stale = env_documented() - env_read_by_code() - env_used_by_compose(compose)
    assert not stale, f"not read by the code or compose: {sorted(stale)}"


def test_env_example_holds_no_secret_values():
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"):
        assert values[name] == "", name


def test_dockerfile_installs_the_package_and_runs_unprivileged():
    steps = dockerfile_instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    assert re.search(r"pip install (--\S+ )*\.(\s|$)", runs)
    assert "git" in runs  # `python -m bot sync` needs it
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    last_user = max(i for i, (op, _) in enumerate(steps) if op == "USER")
    assert all(i < last_user for i, (op, _) in enumerate(steps) if op == "RUN")  # nothing runs as root after
    [cmd] = [arg for op, arg in steps if op == "CMD"]
    assert_cli_job(command_words(cmd))
    [health] = [arg for op, arg in steps if op == "HEALTHCHECK"]
    assert "CMD" in health and '"bot", "health"' in health


def test_dockerfile_copies_only_what_exists_and_is_not_ignored():
    ignored = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()
               if ln.strip() and not ln.startswith("#")]
    assert {".env", ".git", "data", ".venv"} <= set(ignored)
    for op, arg in dockerfile_instructions():
        if op == "COPY":
            for source in arg.split()[:-1]:
                assert (ROOT / source).exists(), source
                assert source.rstrip("/") not in ignored, source
    pyproject = (ROOT / "pyproject.toml").read_text()
    readme = re.search(r'^readme = "(.+)"', pyproject, re.M)
    copied = " ".join(arg for op, arg in dockerfile_instructions() if op == "COPY")
    assert not readme or readme.group(1) in copied  # pip install . needs the readme


def test_secrets_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".env" in ignored and "data/" in ignored


def test_the_default_compose_needs_no_postgres(compose):
    assert "postgres" not in compose["services"]
    assert "BOT_DATABASE_URL" not in (ROOT / "docker-compose.yml").read_text()


def test_the_postgres_file_adds_a_checked_server_and_two_slack_replicas_on_it(compose, postgres_compose):
    services = postgres_compose["services"]
    server = services["postgres"]
    assert server["image"].startswith("postgres:")
    assert "pg-data" in postgres_compose["volumes"]
    assert any(v.startswith("pg-data:") for v in server["volumes"])
    assert "pg_isready" in " ".join(server["healthcheck"]["test"])
    replicas = [name for name, s in services.items() if "command" in s and "--http" in command_words(s["command"])]
    assert len(replicas) >= 2
    urls = set()
    for name, service in services.items():
        if name == "postgres":
            continue
        assert name in compose["services"] or name in replicas, name   # a bot service, old or new
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        urls.add(service["environment"]["BOT_DATABASE_URL"])
        if "command" in service:
            assert_cli_job(command_words(service["command"]))
            assert service["healthcheck"]["test"][1:] == ["python", "-m", "bot", "health"]
    [url] = urls   # every bot service on the one database
    assert url.startswith("postgresql://") and "@postgres:5432/" in url
    assert set(compose["services"]) <= set(services)   # no service left on SQLite beside them


def test_dependencies_install_from_the_constraints_in_a_layer_before_the_code():
    """A code edit rebuilds only the layers after `COPY bot`: the dependencies, pinned by
    constraints.txt, are installed before it and the package itself without them."""
    steps = dockerfile_instructions()
    copy_code = steps.index(("COPY", "bot ./bot"))
    [deps] = [i for i, (op, arg) in enumerate(steps) if op == "RUN" and "-c constraints.txt" in arg]
    assert deps < copy_code
    assert all("bot" not in arg.split()[:-1] for op, arg in steps[:deps] if op == "COPY")
    [install] = [arg for op, arg in steps[copy_code:] if op == "RUN" and "pip install" in arg]
    assert "--no-deps" in install


def test_constraints_pin_every_dependency():
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = dict(re.findall(r"^([a-z0-9-]+)==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["test"],
              *project["build-system"]["requires"]]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in constraints.txt: run .ci/lock.py"
        assert requirement.specifier.contains(pins[name], prereleases=True), (line, pins[name])


def test_prometheus_scrapes_every_service_on_its_metrics_port(compose):
    overlay = yaml.safe_load((ROOT / "docker-compose.metrics.yml").read_text())
    config = yaml.safe_load((ROOT / "prometheus.yml").read_text())
    mounted = overlay["services"]["prometheus"]["volumes"][0].split(":")[0]
    assert (ROOT / mounted).resolve() == (ROOT / "prometheus.yml").resolve()
    targets = {t for job in config["scrape_configs"] for c in job["static_configs"] for t in c["targets"]}
    chat = {name for name in compose["services"] if name != "sync"}
    assert targets == {f"{name}:{compose['services'][name]['environment']['BOT_METRICS_PORT']}" for name in chat}
