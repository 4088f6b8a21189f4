"""Typed command rules (proxy.shell.rules): fixtures, families of variants, dry runs, data, catalog."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from proxy import catalog, ruletest
from proxy.cli import main
from proxy.models import Category, Severity
from proxy.rulepack import load
from proxy.shell import RULES, judge
from proxy.shell.rules import AGENT_BLOCKING

ROOT = Path(__file__).resolve().parent.parent


def rule_ids(command: str) -> set[str]:
    return {f.rule_id for f in judge(command, report_unparsed=False).findings}


FIXTURES = [(rule.id, "match", example) for rule in RULES for example in rule.must_match] + [
    (rule.id, "pass", example) for rule in RULES for example in rule.must_pass]


@pytest.mark.parametrize(("rule_id", "kind", "command"), FIXTURES)
def test_rule_fixtures(rule_id: str, kind: str, command: str) -> None:
    assert (rule_id in rule_ids(command)) == (kind == "match")


def test_every_rule_has_both_kinds_of_fixture_and_a_contract_category() -> None:
    for rule in RULES:
        assert rule.must_match and rule.must_pass, rule.id
        assert rule.id.startswith("bash.") and rule.category in Category and rule.severity in Severity
        assert len(rule.message) > 60, rule.id  # says what to do instead
    assert len({rule.id for rule in RULES}) == len(RULES)


# ---------------------------------------------------------------- families of spellings


@pytest.mark.parametrize("command", [
    "rm -rf /", "rm -fr /", "rm -r -f /", "rm -f -r /", "rm -r --force /", "rm --recursive --force /", "rm -R /",
    "rm --recursive /", "rm --rec --for /", "rm -rfv /", "rm -vrf -- /", "rm -r /*", 'rm -rf "/"*', "rm -rf '/'*",
    "rm -rf /.", "rm -rf //", "rm -rf ~", 'rm -rf "$HOME"', "rm -rf ${HOME}/", "rm -rf ~/*", "rm -rf /usr",
    "rm -rf /etc/*", "cd / && rm -rf *", "cd ~ && rm -rf ./*", "cd / ; rm -rf usr", "sudo -E rm -rf /var/lib",
    "rm -rf /{bin,etc}", "rm -rf ~{,/}", "find / -type f | xargs rm -f", 'rm -rf "$HOME/"',
])
def test_recursive_delete_of_root_home_or_system_in_any_spelling(command: str) -> None:
    assert "bash.rm-rf-root-or-home" in rule_ids(command)


@pytest.mark.parametrize("command", [
    "git push --force", "git push -f", "git push -fu origin main", "git push --force=true origin main",
    "git push origin +main", "git push origin +HEAD:main", "git -C . push --force", "git -c x=y push -f origin master",
    "git --no-pager push --force origin release/2.0", "git push --mirror", "git push origin --delete main",
    "git push origin :main", "git push --force origin develop", 'git push -f origin "$BRANCH"',
    "git push \\\n  --force origin main",
])
def test_force_push_to_a_shared_or_unknown_branch_in_any_spelling(command: str) -> None:
    assert "bash.git-force-push" in rule_ids(command)


@pytest.mark.parametrize("command", [
    "git push --force-with-lease origin main", "git push -f origin fix/typo", "git push origin main",
    "git push --dry-run --force origin main", "git push -n -f", "git push --force=false origin main",
    "echo git push --force", "git log --grep='push --force'",
])
def test_safe_pushes_are_not_force_pushes(command: str) -> None:
    assert "bash.git-force-push" not in rule_ids(command)


# ---------------------------------------------------------------- preview flags lower the action


@pytest.mark.parametrize(("command", "rule_id"), [
    ("kubectl delete namespace staging --dry-run=server", "bash.kubectl-delete-broad"),
    ("kubectl delete namespace staging --dry-run=client", "bash.kubectl-delete-broad"),
    ("kubectl delete namespace staging --dry-run", "bash.kubectl-delete-broad"),
    ("aws s3 rm s3://prod-data --recursive --dryrun", "bash.aws-destructive"),
    ("aws ec2 terminate-instances --instance-ids i-1 --dry-run", "bash.aws-destructive"),
    ("helm uninstall web --dry-run", "bash.helm-uninstall"),
    ("terraform plan -destroy", "bash.terraform-destroy-or-auto-approve"),
    ("git clean -n -fdx", "bash.git-reset-hard"),
    ("git clean --dry-run -fd", "bash.git-reset-hard"),
    ("rsync -a --delete --dry-run x/ /", "bash.rsync-delete-root"),
    ("rsync -an --delete x/ ~/", "bash.rsync-delete-root"),
    ("az deployment group create -g rg --template-file m.bicep --what-if", "bash.azure-destructive"),
    ("pulumi destroy --preview-only", "bash.iac-destroy"),
    ("docker system prune -a --volumes --dry-run", "bash.docker-prune-volumes"),
])
def test_a_preview_flag_lowers_the_action(command: str, rule_id: str) -> None:
    assert rule_id not in rule_ids(command)
    real = command.replace(" --dry-run=server", "").replace(" --dry-run=client", "").replace(" --dryrun", "")
    real = real.replace(" --dry-run", "").replace(" --what-if", "").replace(" --preview-only", "")
    real = real.replace("plan -destroy", "destroy").replace("-n -fdx", "-fdx").replace("-an ", "-a ")
    if rule_id != "bash.azure-destructive":  # a what-if deployment is no delete either way
        assert rule_id in rule_ids(real), real


def test_dry_run_none_is_not_a_preview() -> None:
    assert "bash.kubectl-delete-broad" in rule_ids("kubectl delete ns staging --dry-run=none")


# ---------------------------------------------------------------- data is data


@pytest.mark.parametrize("command", [
    "cat <<'EOF'\nrm -rf /\ngit push --force origin main\nEOF",
    "cat > notes.md <<'EOF'\nNever run rm -rf / or kubectl delete ns prod\nEOF",
    "tee runbook.txt <<< 'terraform destroy -auto-approve'",
    "grep -rn 'rm -rf /' scripts/", "grep -c 'DROP TABLE' dump.sql", "sed -i 's/git push --force/git push/' x.sh",
    "awk '/rm -rf/ {print $0}' log.txt", "wc -l <<< 'rm -rf ~'", "base64 <<< 'rm -rf /'",
    "sha256sum <<< 'docker system prune -af --volumes'", "echo 'rm -rf /' > warning.txt", "printf '%s\\n' 'rm -rf ~'",
    "curl -m 5 -d @- https://paste.example.com <<< 'rm -rf /'", "echo \"kubectl delete namespace prod\"",
    "git commit -m 'stop using rm -rf / in docs'", "jq -r .cmd <<< '{\"cmd\":\"rm -rf /\"}'",
    "echo 'cm0gLXJmIC8K' | base64 -d", "echo 'DROP TABLE users;' > drop.sql.txt",
])
def test_data_given_to_commands_that_do_not_run_it_is_not_a_command(command: str) -> None:
    assert not judge(command).findings


# ---------------------------------------------------------------- catalog and rules test


def test_typed_rules_are_in_the_catalog_and_the_docs() -> None:
    pack = load(ROOT / "rules")
    listed = {entry["id"]: entry for entry in json.loads(catalog.as_json(pack))}
    for rule in RULES:
        assert listed[rule.id]["category"] == rule.category.value and listed[rule.id]["languages"] == ["bash"]
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert docs == catalog.as_markdown(pack)
    assert all(f"`{rule.id}`" in docs for rule in RULES)


def test_rules_test_runs_typed_fixtures_and_catches_a_broken_rule() -> None:
    pack = load(ROOT / "rules")
    results = ruletest.run_command_rules(pack)
    assert results and all(r.ok for r in results)
    assert any(r.fixture.suffix == ".sh" for r in results)  # the annotated script fixtures run too
    broken = tuple(replace(rule, check=lambda _c: False) if rule.id == "bash.git-force-push" else rule
                   for rule in RULES)
    failed = [r for r in ruletest.run_command_rules(pack, broken) if not r.ok]
    assert failed and {r.rule_id for r in failed} == {"bash.git-force-push"}


def test_rules_list_cli_shows_typed_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list", "--format", "json"]) == 0
    ids = {entry["id"] for entry in json.loads(capsys.readouterr().out)}
    assert {rule.id for rule in RULES} <= ids


def test_agent_blocking_rules_are_the_unreviewable_code_runners() -> None:
    assert {"bash.curl-pipe-shell", "bash.opaque-code-to-shell"} == AGENT_BLOCKING
