"""Shell in CI YAML (`run:`, `script:` …) judged by the shell command model, on the YAML's own lines: unit level
for the extraction, and through proxy.scan.Scanner with real semgrep-core for what the user sees."""

from __future__ import annotations

import pytest

from proxy.config import ActionsConfig, ToolsConfig
from proxy.engine import SemgrepCoreEngine
from proxy.models import Action, Decision
from proxy.policy import Policy
from proxy.rulepack import load as load_rules
from proxy.scan import Scanner, snippets_from_text
from proxy.shell.ci_scripts import ci_scripts

PACK = load_rules()
ENGINE = SemgrepCoreEngine(PACK, timeout_seconds=60)

GITHUB = """\
jobs:
  cleanup:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          kubectl config use-context prod
          kubectl delete namespace production --wait=false
      - name: note
        run: echo done
"""

GITLAB = """\
reset:
  stage: deploy
  before_script:
    - cd /
  script:
    - echo cleaning
    - rm -rf ${{ inputs.dir }}/
"""


def test_github_block_scalar_lines_map_to_the_yaml() -> None:
    first, second = ci_scripts(GITHUB)
    assert first.text.splitlines() == ["kubectl config use-context prod",
                                       "kubectl delete namespace production --wait=false"]
    assert first.yaml_line(2) == 8
    assert (second.text, second.yaml_line(1)) == ("echo done", 10)


def test_gitlab_script_lists_join_into_one_script_and_expressions_become_unknown_values() -> None:
    before, script = ci_scripts(GITLAB)
    assert (before.text, before.yaml_lines) == ("cd /", (4,))
    assert script.text == "echo cleaning\nrm -rf ${CI_EXPRESSION}/"
    assert script.yaml_lines == (6, 7)


def test_circleci_run_command_and_non_shell_steps() -> None:
    circle = "jobs:\n  build:\n    steps:\n      - run:\n          name: wipe\n          command: rm -rf ~/\n"
    assert [s.text for s in ci_scripts(circle)] == ["rm -rf ~/"]
    steps = ("steps:\n  - shell: pwsh\n    run: Remove-Item -Recurse C:\\data\n  - run: ls\n"
             "  - shell: python {0}\n    run: import shutil; shutil.rmtree('/')\n"
             "  - shell: bash -e {0}\n    run: pwd\n")
    assert [(s.text, s.language) for s in ci_scripts(steps)] == [
        ("ls", "bash"), ("import shutil; shutil.rmtree('/')", "python"), ("pwd", "bash")]


def test_yaml_that_does_not_load_is_read_line_by_line() -> None:
    broken = 'jobs:\n  x:\n    steps:\n      - run: echo "a: b"\n      - run: |\n          kubectl delete ns prod\n'
    scripts = ci_scripts(broken)
    assert [(s.text, s.yaml_lines) for s in scripts] == [('echo "a: b"', (4,)), ("kubectl delete ns prod", (6,))]


def test_yaml_without_scripts_yields_none() -> None:
    assert ci_scripts("apiVersion: v1\nkind: Service\nspec:\n  ports: [80]\n") == []


@pytest.fixture
async def scanner() -> Scanner:
    await ENGINE.start()
    return Scanner(ENGINE, Policy(ActionsConfig(), tools=ToolsConfig()))


async def test_destructive_command_in_a_workflow_is_blocked_on_its_line(scanner: Scanner) -> None:
    result = await scanner.scan(snippets_from_text(f"Add a cleanup job:\n\n```yaml\n{GITHUB}```\n"))
    lines = {f.line for f in result.findings if f.category == "destructive-operation"}
    assert lines == {8}
    assert result.decision is Decision.BLOCK


async def test_sql_a_ci_script_hands_to_psql_is_scanned_as_sql(scanner: Scanner) -> None:
    job = 'reset:\n  script:\n    - echo start\n    - psql "$DATABASE_URL" -c "TRUNCATE orders"\n'
    result = await scanner.scan(snippets_from_text(f"```yaml\n{job}```\n"))
    assert [(f.category, f.line, f.action) for f in result.findings] == [
        ("destructive-operation", 4, Action.BLOCK)]


async def test_safe_deploy_steps_and_tag_level_shell_smells_stay_quiet(scanner: Scanner) -> None:
    deploy = ("jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    timeout-minutes: 20\n    steps:\n"
              "      - uses: actions/checkout@v4\n"
              "      - run: helm upgrade --install api ./chart -n production --atomic --wait --timeout 10m\n"
              "      - run: curl -fsSL https://example.com/health\n"
              "      - run: rm -rf ./dist && npm run build\n")
    result = await scanner.scan(snippets_from_text(f"```yaml\n{deploy}```\n"))
    assert result.findings == []
    assert result.decision is Decision.ALLOW


def test_aliases_are_walked_once_and_odd_keys_do_not_break_the_walk() -> None:
    levels = [f"l{i}: &l{i} [{', '.join(['*a' if i == 0 else f'*l{i - 1}'] * 9)}]\n" for i in range(12)]
    bomb = "a: &a {run: 'rm -rf /'}\n" + "".join(levels)
    assert [s.text for s in ci_scripts(bomb)] == ["rm -rf /"]  # 9**12 paths, one node
    assert [s.text for s in ci_scripts("? [complex, key]\n: value\nrun: ls -la\n")] == ["ls -la"]


def test_yaml_nested_past_the_parser_depth_falls_back_to_lines() -> None:
    deep = "x: " + "[" * 5000 + "]" * 5000 + "\nrun: kubectl delete ns prod\n"
    assert [s.text for s in ci_scripts(deep)] == ["kubectl delete ns prod"]


def test_script_keys_in_any_yaml_spelling_are_found() -> None:
    spellings = ["? run\n: kubectl delete ns prod\n", '{"run": "kubectl delete ns prod"}\n',
                 "'run' : kubectl delete ns prod\n", "steps: [{run: kubectl delete ns prod}]\n"]
    assert [[s.text for s in ci_scripts(text)] for text in spellings] == [["kubectl delete ns prod"]] * 4


async def test_a_python_step_is_scanned_as_python(scanner: Scanner) -> None:
    step = "steps:\n  - name: wipe\n    shell: python\n    run: |\n      import shutil\n      shutil.rmtree('/')\n"
    result = await scanner.scan(snippets_from_text(f"```yaml\n{step}```\n"))
    assert [(f.category, f.line) for f in result.findings if f.action is Action.BLOCK] == [
        ("destructive-operation", 5)]
