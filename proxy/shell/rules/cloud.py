"""Cloud CLIs deleting real resources: aws, gcloud/gsutil, az, and PaaS CLIs."""

from __future__ import annotations

import re

from proxy.models import Category, Severity
from proxy.shell.model import Command
from proxy.shell.rules.base import CommandRule, is_production, parse, previews

DESTRUCTIVE = Category.DESTRUCTIVE_OPERATION
_AWS_FLAGS_WITHOUT_VALUE = frozenset({"--debug", "--no-verify-ssl", "--no-paginate", "--no-sign-request",
                                      "--no-cli-pager", "--recursive", "--force", "--dryrun", "--dry-run",
                                      "--delete", "--quiet", "--only-show-errors", "--no-dry-run",
                                      "--include-all-instances", "--exact-timestamps", "--no-cli-auto-prompt"})
_AWS_DELETE = re.compile(r"(?:^|-)(?:delete|deletion|terminate|purge|destroy|deregister)(?:-|$)")


def _aws_operands(argv: tuple[str, ...]) -> list[str]:
    operands: list[str] = []
    position = 0
    while position < len(argv):
        arg = argv[position]
        if arg.startswith("--"):
            position += 1 if (arg in _AWS_FLAGS_WITHOUT_VALUE or "=" in arg) else 2
            continue
        operands.append(arg)
        position += 1
    return operands


def aws_destructive(command: Command) -> bool:
    if command.name != "aws" or previews(command):
        return False
    operands = _aws_operands(command.argv[1:])
    if len(operands) < 2:
        return False
    service, action = operands[0], operands[1]
    flags = set(command.argv)
    if service == "s3":
        return (action == "rm" and ("--recursive" in flags or "--r" in flags)) or action == "rb" or (
            action == "sync" and "--delete" in flags)
    return bool(_AWS_DELETE.search(action))


def gcloud_destructive(command: Command) -> bool:
    if previews(command):
        return False
    if command.name == "gcloud":
        operands = [a for a in command.argv[1:] if not a.startswith("-")]
        if "delete" in operands[:5] or "delete-batch" in operands[:5]:
            return True
        return operands[:2] == ["storage", "rm"] and parse(command).has("r", "recursive")
    if command.name == "gsutil":
        argv = [a for a in command.argv[1:] if a not in ("-m", "-q")]
        while argv and argv[0] in ("-o", "-h"):
            argv = argv[2:]
        if not argv:
            return False
        action, rest = argv[0], argv[1:]
        if action == "rm":  # recursive, every version, or a wildcard over a bucket (`gs://b/**`)
            return any(re.fullmatch(r"-[a-zA-Z]*[rRa][a-zA-Z]*", a) or re.search(r"/\*+$", a) for a in rest)
        if action == "rb":
            return True
        if action == "rsync":
            return any(re.fullmatch(r"-[a-zA-Z]*d[a-zA-Z]*", a) for a in rest) and "-n" not in rest
    return False


def azure_destructive(command: Command) -> bool:
    if command.name != "az" or previews(command):
        return False
    operands = [a for a in command.argv[1:] if not a.startswith("-")]
    return any(word in ("delete", "delete-batch", "purge") for word in operands[:4])


_PAAS: dict[str, tuple[tuple[str, ...], ...]] = {
    "heroku": (("apps:destroy",), ("apps:delete",), ("pg:reset",), ("destroy",)),
    "fly": (("apps", "destroy"), ("destroy",), ("volumes", "destroy"), ("volumes", "delete"), ("apps", "delete")),
    "flyctl": (("apps", "destroy"), ("destroy",), ("volumes", "destroy"), ("volumes", "delete")),
    "firebase": (("firestore:delete",), ("database:remove",), ("projects:delete",), ("hosting:disable",)),
    "vercel": (("remove",), ("rm",), ("project", "rm"), ("project", "remove")),
    "doctl": (),
    "railway": (("down",),),
    "netlify": (("sites:delete",),),
}


_HTTP_VALUES = ("-d", "--data", "-H", "--header", "-u", "--user", "-o", "--output", "-m", "--max-time", "-A",
                "--connect-timeout", "-e", "--cacert", "--cert", "--key", "-b", "--cookie", "-w", "--write-out")


def http_delete(command: Command) -> bool:
    """`curl -X DELETE https://es.prod…/logs-*`: an HTTP DELETE on a production or wildcard resource."""
    if command.name == "curl":
        opts = parse(command, ("-X", "--request", *_HTTP_VALUES))
        if (opts.value("-X", "--request") or "").upper() != "DELETE":
            return False
        urls = [op for op in opts.operands if "://" in op or "/" in op]
    elif command.name in ("http", "https", "xh"):
        operands = [a for a in command.argv[1:] if not a.startswith("-")]
        if not operands or operands[0].upper() != "DELETE":
            return False
        urls = operands[1:2]
    else:
        return False
    return any(is_production(url) or re.search(r"(?:/_all|\*)(?:[/?]|$)", url) for url in urls)


def paas_destroy(command: Command) -> bool:
    if command.name not in _PAAS or previews(command):
        return False
    operands = [a for a in command.argv[1:] if not a.startswith("-")]
    if command.name == "doctl":
        return "delete" in operands[:4] or "rm" in operands[:4]
    return any(tuple(operands[:len(prefix)]) == prefix for prefix in _PAAS[command.name])


RULES = (
    CommandRule(
        "bash.http-delete-production", DESTRUCTIVE, Severity.HIGH,
        "This sends an HTTP DELETE to a production endpoint or to a wildcard (Elasticsearch `logs-*`, `_all`), "
        "deleting data behind an API. Delete the one resource you mean, on a non-production endpoint first.",
        http_delete,
        ('curl -X DELETE "https://es.prod.internal:9200/logs-*"', "curl -XDELETE http://localhost:9200/_all",
         "curl --request DELETE https://api.prod.acme.com/v1/users/42", "http DELETE https://search/idx-*"),
        ("curl -X DELETE http://localhost:8080/api/items/3", "curl https://es.prod.internal:9200/_cat/indices",
         "curl -X POST https://api.prod.acme.com/v1/users"),
    ),
    CommandRule(
        "bash.aws-destructive", DESTRUCTIVE, Severity.HIGH,
        "This AWS CLI call deletes real resources or data (s3 rm --recursive, s3 rb, s3 sync --delete, delete-*/"
        "terminate-* calls). Check the account and region, run with --dryrun/--dry-run first, and delete through "
        "reviewed infrastructure code.",
        aws_destructive,
        ("aws s3 rm s3://acme-prod-data --recursive", "aws s3 rb s3://prod-logs --force",
         "aws s3 sync ./site s3://www.acme.com --delete", "aws cloudformation delete-stack --stack-name prod",
         "aws rds delete-db-instance --db-instance-identifier main --skip-final-snapshot",
         "aws ec2 terminate-instances --instance-ids i-0abc",
         "aws --profile prod dynamodb delete-table --table-name t",
         "aws kms schedule-key-deletion --key-id alias/prod-data --pending-window-in-days 7"),
        ("aws s3 ls s3://acme-prod-data", "aws s3 rm s3://acme-prod-data --recursive --dryrun",
         "aws s3 cp build/ s3://site --recursive", "aws ec2 terminate-instances --instance-ids i-1 --dry-run",
         "aws s3 rm s3://bucket/one-file.txt", "aws ec2 describe-instances"),
    ),
    CommandRule(
        "bash.gcloud-destructive", DESTRUCTIVE, Severity.HIGH,
        "This Google Cloud call deletes real resources or data (gcloud … delete, gcloud storage rm -r, gsutil rm -r,"
        " gsutil rb). Check the project, and delete through reviewed infrastructure code.",
        gcloud_destructive,
        ("gcloud projects delete acme-prod", "gcloud compute instances delete web-1 --zone us-central1-a",
         "gcloud sql instances delete main-db --quiet", "gsutil -m rm -r gs://acme-backups",
         "gsutil rb gs://acme-prod", "gcloud storage rm --recursive gs://bucket/data",
         "gsutil rm gs://acme-prod-exports/**"),
        ("gcloud compute instances list", "gsutil ls gs://acme-backups", "gsutil rm gs://bucket/file.txt",
         "gcloud config set project x"),
    ),
    CommandRule(
        "bash.azure-destructive", DESTRUCTIVE, Severity.HIGH,
        "This Azure CLI call deletes real resources or data (az group delete, az … delete). Check the subscription, "
        "and delete through reviewed infrastructure code.",
        azure_destructive,
        ("az group delete --name prod-rg --yes", "az storage blob delete-batch -s data --account-name acme",
         "az vm delete -g rg -n web1 --yes", "az keyvault purge --name kv"),
        ("az group list", "az deployment group create -g rg --template-file main.bicep --what-if",
         "az vm show -g rg -n web1"),
    ),
    CommandRule(
        "bash.paas-destroy", DESTRUCTIVE, Severity.HIGH,
        "This deletes a hosted app, database or volume (heroku apps:destroy / pg:reset, fly destroy, firebase "
        "firestore:delete, vercel rm, doctl … delete). Check the target, and take a backup first.",
        paas_destroy,
        ("heroku apps:destroy --app acme-prod --confirm acme-prod", "heroku pg:reset DATABASE_URL",
         "fly apps destroy acme", "firebase firestore:delete --all-collections", "doctl compute droplet delete web-1",
         "vercel rm acme --yes"),
        ("heroku logs --tail", "fly deploy", "firebase deploy", "doctl compute droplet list", "vercel deploy"),
    ),
)
