"""Containers: pruning or removing volumes (data), system-wide prunes, privileged runs."""

from __future__ import annotations

from proxy.models import Category, Severity
from proxy.shell.model import Command
from proxy.shell.rules.base import CommandRule, parse, previews

DESTRUCTIVE = Category.DESTRUCTIVE_OPERATION
_ENGINES = frozenset({"docker", "podman", "nerdctl", "docker-compose", "podman-compose"})
_VALUES = ("--filter", "-H", "--host", "--context", "-c", "--config", "-p", "--project-name", "--file",
           "--env-file", "--profile", "-l", "--log-level")


def _engine_operands(command: Command) -> list[str] | None:
    if command.name not in _ENGINES or previews(command):
        return None
    operands = [op for op in parse(command, _VALUES).operands if not op.endswith((".yml", ".yaml"))]
    if command.name.endswith("-compose"):
        operands = ["compose", *operands]
    return operands


def prunes_volumes(command: Command) -> bool:
    operands = _engine_operands(command)
    if operands is None:
        return False
    opts = parse(command, _VALUES)
    if operands[:2] == ["system", "prune"]:
        return opts.has("", "volumes")
    if operands[:2] in (["volume", "prune"], ["volume", "rm"], ["volume", "remove"], ["system", "reset"]):
        return True
    if operands[:2] == ["compose", "down"]:
        return opts.has("v", "volumes")
    return operands[:1] == ["rm"] and opts.has("v", "volumes") and opts.has("f", "force")


def system_prune_all(command: Command) -> bool:
    operands = _engine_operands(command)
    if operands is None:
        return False
    opts = parse(command, _VALUES)
    return operands[:2] in (["system", "prune"], ["image", "prune"]) and opts.has("a", "all")


def runs_privileged(command: Command) -> bool:
    operands = _engine_operands(command)
    if operands is None or not (operands[:1] in (["run"], ["create"]) or operands[:2] in (
            ["container", "run"], ["container", "create"])):
        return False
    argv = list(command.argv)
    for position, arg in enumerate(argv):
        value = argv[position + 1] if position + 1 < len(argv) else ""
        if arg == "--privileged" or (arg in ("--pid=host", "--pid") and (arg.endswith("host") or value == "host")):
            return True
        if arg in ("-v", "--volume", "--mount") or arg.startswith(("--volume=", "--mount=", "-v")):
            spec = value if arg in ("-v", "--volume", "--mount") else arg.split("=", 1)[-1] if "=" in arg \
                else arg[2:]
            if spec.startswith("/:") or "docker.sock" in spec or "source=/," in spec or spec.startswith("src=/,"):
                return True
    return False


RULES = (
    CommandRule(
        "bash.docker-prune-volumes", DESTRUCTIVE, Severity.HIGH,
        "This deletes container volumes (system prune --volumes, volume prune/rm, compose down -v), and with them "
        "databases and uploads kept there. Remove the one volume you mean by name after a backup, or leave volumes "
        "out (docker system prune without --volumes).",
        prunes_volumes,
        ("docker system prune -af --volumes", "docker volume prune -f", "podman volume rm pgdata",
         "docker compose down -v", "docker-compose down --volumes", "podman system reset"),
        ("docker system prune", "docker compose down", "docker volume ls", "docker system prune -a --dry-run",
         "docker image prune"),
    ),
    CommandRule(
        "bash.docker-system-prune", DESTRUCTIVE, Severity.MEDIUM,
        "docker system prune -a removes every stopped container, unused network and every image not used by a "
        "running container, including ones other projects need. Prune with a filter (--filter until=24h) or remove "
        "the specific images.",
        system_prune_all,
        ("docker system prune -a", "docker system prune --all --force", "podman image prune -a"),
        ("docker system prune", "docker image prune", "docker image ls"),
    ),
    CommandRule(
        "bash.docker-run-privileged", Category.UNSAFE_CONFIG, Severity.HIGH,
        "docker run with --privileged, the host root filesystem or the Docker socket mounted gives the container "
        "full control of the host; a compromise of the container is a compromise of the machine. Grant only the "
        "specific --cap-add/--device needed and mount narrow paths read-only.",
        runs_privileged,
        ("docker run --privileged -it ubuntu", "docker run -v /:/host alpine", "docker run --pid=host busybox",
         "docker run -v /var/run/docker.sock:/var/run/docker.sock img", "podman run --volume=/:/mnt x"),
        ("docker run -v $(pwd):/app node:20 npm test", "docker run --rm alpine echo hi",
         "docker run -v ./data:/data:ro img"),
        ("https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",),
    ),
)
