"""Infrastructure as code run without review: terraform/tofu/terragrunt, pulumi, cdk."""

from __future__ import annotations

from proxy.models import Category, Severity
from proxy.shell import options
from proxy.shell.model import Command
from proxy.shell.rules.base import CommandRule

DESTRUCTIVE = Category.DESTRUCTIVE_OPERATION


def terraform_unreviewed(command: Command) -> bool:
    if command.name not in ("terraform", "tofu", "terragrunt", "terraform.exe"):
        return False
    args = [a for a in command.argv[1:] if not a.startswith("-chdir")]
    opts = options.parse(args, single_dash_long=True)
    operands = list(opts.operands)
    while operands and operands[0] in ("run-all", "run", "--all"):
        operands = operands[1:]
    if not operands or opts.has("h", "help"):
        return False
    action = operands[0]
    if action == "destroy":
        return True
    if action == "apply":
        return opts.has("", "auto-approve", "destroy")
    if action == "state":
        return operands[1:2] in (["rm"], ["replace-provider"]) or (operands[1:2] == ["push"] and opts.has("", "force"))
    if action == "workspace":
        return operands[1:2] == ["delete"]
    return False


_SERVERLESS = frozenset({"serverless", "sls", "sst", "sam", "copilot", "amplify", "cdktf", "cdk"})


def _npx_tool(command: Command) -> tuple[str, list[str]]:
    """`npx serverless remove` / `pnpm exec cdk destroy` → (`serverless`, [`remove`])."""
    argv = list(command.argv)
    if argv and argv[0] in ("npx", "pnpx", "bunx", "pnpm", "yarn") and len(argv) > 1:
        argv = [a for a in argv[1:] if a not in ("exec", "dlx", "-y", "--yes")]
    return (argv[0] if argv else ""), argv[1:]


def iac_destroy(command: Command) -> bool:
    opts = options.parse(command.argv[1:], ("-s", "--stack", "-C", "--cwd", "-m", "--message"))
    operands = list(opts.operands)
    if command.name == "pulumi":
        if opts.has("", "preview-only") or not operands:
            return False
        if operands[0] in ("destroy", "down"):
            return True
        if operands[0] == "stack" and operands[1:2] == ["rm"]:
            return True
        return operands[0] in ("up", "update") and opts.has("yf", "yes", "skip-preview")
    tool, rest = _npx_tool(command)
    if tool in _SERVERLESS:
        words = [w for w in rest if not w.startswith("-")]
        return (bool(words) and words[0] in ("destroy", "remove", "delete")) or words[:2] in (
            ["app", "delete"], ["env", "delete"], ["svc", "delete"], ["stack", "delete"])
    return False


RULES = (
    CommandRule(
        "bash.terraform-destroy-or-auto-approve", DESTRUCTIVE, Severity.HIGH,
        "terraform destroy, apply -auto-approve / -destroy, state rm or workspace delete changes or deletes real "
        "infrastructure (or its state) without a human reviewing the plan. Run terraform plan -out=tfplan, review "
        "it, then terraform apply tfplan.",
        terraform_unreviewed,
        ("terraform destroy", "terraform destroy -auto-approve", "terraform apply -auto-approve",
         "terraform -chdir=infra apply --auto-approve", "tofu apply -destroy", "terragrunt run-all destroy",
         "terraform state rm aws_db_instance.main", "terraform workspace delete prod",
         "terraform apply -auto-approve=true"),
        ("terraform plan", "terraform plan -destroy", "terraform apply tfplan", "terraform init", "terraform fmt",
         "terraform destroy -help", "terraform apply -auto-approve=false"),
        ("https://developer.hashicorp.com/terraform/cli/commands/apply#auto-approve",),
    ),
    CommandRule(
        "bash.iac-destroy", DESTRUCTIVE, Severity.HIGH,
        "pulumi destroy / stack rm / up --yes, cdk destroy, serverless/sst remove or sam delete deletes or changes "
        "real infrastructure without a reviewed preview. Run the preview (pulumi preview, cdk diff), review it, and "
        "change infrastructure through the pipeline.",
        iac_destroy,
        ("pulumi destroy --yes", "pulumi down -s prod", "pulumi stack rm prod --force", "pulumi up --yes",
         "cdk destroy --force", "npx cdk destroy", "npx serverless remove --stage prod", "sls remove",
         "sam delete --stack-name api", "npx sst remove --stage production"),
        ("pulumi preview", "pulumi destroy --preview-only", "pulumi up", "cdk diff", "npx cdk deploy",
         "npx serverless deploy", "sam build"),
    ),
)
