"""Secrets never reach the audit log: every family the redactor claims (docs/team.md), plus Breakwater's
own `bwk_` keys, JWTs and bearer tokens, each in a context where no other family would catch it.

The last test goes end to end: a reply with secrets in its code, through a team proxy, and
the audit row's excerpt read back from the database.
"""

from __future__ import annotations

import sqlite3

import openai
import pytest

from proxy.team.redact import MASK, SecretMasker
from tests.support.fake_llm import FakeLLM, json_reply
from tests.support.replies import chat_completion
from tests.support.team import TeamProxy

MASKER = SecretMasker()
redact = MASKER.mask


def excerpt(code: str, limit: int) -> str:
    return MASKER.excerpt(code, limit)


BWK = "bwk_alice-2_" + "0123456789abcdef" * 4
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
       ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")

# family → (a line of code holding the secret, the secret). No other family matches the line.
FAMILIES: dict[str, tuple[str, str]] = {
    "openai key": ('client = make("sk-proj-AbCdEfGhIjKlMnOpQrSt1234")', "sk-proj-AbCdEfGhIjKlMnOpQrSt1234"),
    "anthropic key": ('client = make("sk-ant-api03-AbCdEfGhIjKlMnOpQr")', "sk-ant-api03-AbCdEfGhIjKlMnOpQr"),
    "aws access key": ('boto(key_id="AKIA4QWERTYZXCVBNM12")', "AKIA4QWERTYZXCVBNM12"),
    "github token": ('gh = Github("ghp_abcdefghijklmnopqrstuvwxyz0123")', "ghp_abcdefghijklmnopqrstuvwxyz0123"),
    "slack token": ('slack = WebClient("xoxb-1234567890-abcdefghij")', "xoxb-1234567890-abcdefghij"),
    "breakwater key": (f'proxy = connect("{BWK}")', BWK),
    "jwt": (f'session = load("{JWT}")', JWT),
    "bearer token": ('curl -H "Authorization: Bearer abcdefghijklmnop1234" https://api', "abcdefghijklmnop1234"),
    "basic auth": ('curl -H "Authorization: Basic dXNlcjpodW50ZXIyaHVudGVy" https://api', "dXNlcjpodW50ZXIyaHVudGVy"),
    "url password": ('engine = create_engine("postgresql://app:s3cretpw@db:5432/x")', "s3cretpw"),
    "password assignment": ('db_password = "hunter2hunter2"', "hunter2hunter2"),
    "quoted yaml secret": ('  client_secret: "q8w7e6r5t4"', "q8w7e6r5t4"),
    "env assignment": ("export DB_PASSWORD=hunter2hunter2", "hunter2hunter2"),
    "private key": ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----",
                    "b3BlbnNzaC1rZXk"),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_is_masked_alone(family: str) -> None:
    line, secret = FAMILIES[family]
    expected = MASK if family == "private key" else line.replace(secret, MASK)  # a key block goes whole
    assert redact(line) == expected  # exactly the secret is masked; the code around it stays


def test_a_private_key_cut_off_before_its_end_is_masked_to_the_end() -> None:
    text = "key = '''-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nzzzz"
    assert "MIIEpAIBAAKCAQEA" not in redact(text)


def test_code_without_secrets_is_unchanged() -> None:
    code = ('import requests\n\ndef fetch(url, token_name="x"):\n    password_hint = ask()\n'
            '    return requests.get(url, timeout=5)\n# sk-short\nkey = compute()\n')
    assert redact(code) == code


def test_excerpt_masks_before_it_cuts() -> None:
    code = "x = 1\n" * 60 + f'proxy = connect("{BWK}")\n'
    cut = excerpt(code, 370)
    assert BWK[:12] not in cut and len(cut) <= 371
    assert cut.endswith("…")
    assert excerpt("short", 400) == "short"
    assert excerpt("abc", 3) == "abc" and excerpt("abcd", 3) == "abc…"


def test_every_secret_is_masked_in_the_audit_row(team_proxy: TeamProxy, fake: FakeLLM) -> None:
    code = "\n".join(line for line, _ in FAMILIES.values() if "curl" not in line and "export" not in line
                     and "client_secret:" not in line and "PRIVATE KEY" not in line)
    fake.respond(json_reply(chat_completion(f"Try:\n\n```python\n{code}\n```\n")))
    client = openai.OpenAI(base_url=f"{team_proxy.url}/v1", api_key=team_proxy.keys["alice"], max_retries=0)
    client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "x"}])
    team_proxy.flush()
    with sqlite3.connect(team_proxy.db) as conn:
        (stored,) = conn.execute("SELECT excerpt FROM decisions").fetchone()
        everything = "\n".join(str(v) for row in conn.execute("SELECT * FROM decisions") for v in row)
    assert stored.startswith('client = make("')
    for _, secret in FAMILIES.values():
        assert secret not in everything
    assert team_proxy.keys["alice"] not in everything


def test_a_secret_pulled_into_the_excerpt_by_an_earlier_mask_is_masked_too() -> None:
    """Masking shortens the text, so lines past the cut can move into the excerpt: they are read too."""
    code = ('client = make("sk-proj-' + "Ab1" * 130 + '")\n' + "x = 1\n" * 10
            + 'db_password = "hunter2hunter2"\n' + "y = 2\n" * 200)
    assert code.index("hunter2hunter2") > 400
    cut = excerpt(code, 400)
    assert "hunter2hunter2" not in cut and 'db_password = "****"' in cut


def test_remembered_excerpts_still_follow_the_rule_lines() -> None:
    masker = SecretMasker()
    code = "name = compute()\nvalue = 'plain-text-value'\n"
    assert masker.excerpt(code, 400) == code
    assert masker.excerpt(code, 400, [(2, 2)]) == "name = compute()\nvalue = ****\n"  # a rule flagged line 2
    assert masker.excerpt(code, 400) == code
