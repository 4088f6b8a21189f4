"""Audit excerpts are masked: every secret family, a cut through a secret, and hardcoded-secret lines."""

from __future__ import annotations

import pytest

from proxy.team.redact import MASK, SecretMasker

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
       ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")

# (family, text, the secret that must disappear)
FAMILIES = [
    ("yaml password", "db:\n  password: hunter2secret\n", "hunter2secret"),
    ("yaml password quoted", "password: 'Sup3r S3cret'\n", "Sup3r S3cret"),
    ("ini aws secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("aws access key id", "key = 'AKIAIOSFODNN7EXAMPLE'\n", "AKIAIOSFODNN7EXAMPLE"),
    ("stripe live", "stripe.api_key = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("stripe live unquoted", "charge(sk_live_4eC39HqLyjWDarjtT1zdp7dc)\n", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("google api key", "url = base + '?key=AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe'\n",
     "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe"),
    ("hugging face", "login(hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345)\n", "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345"),
    ("gitlab pat", "git clone https://oauth2@gitlab.com/x.git  # glpat-xY3kL9mN2pQ7rS4tV8wZ\n",
     "glpat-xY3kL9mN2pQ7rS4tV8wZ"),
    ("mysql -p", "mysql -u root -pPassw0rd orders < dump.sql\n", "Passw0rd"),
    ("mysql -p quoted", "mysqldump -uroot -p'Passw0rd' orders\n", "Passw0rd"),
    ("--password=", "psql --password=Passw0rd -h db\n", "Passw0rd"),
    ("openai key", "client = OpenAI(api_key=\"sk-proj-abcdefghijklmnop1234567890\")\n",
     "sk-proj-abcdefghijklmnop1234567890"),
    ("anthropic key", "x-api-key: sk-ant-api03-abcdefghijklmnopqrstu\n", "sk-ant-api03-abcdefghijklmnopqrstu"),
    ("github token", "token: ghp_abcdefghijklmnopqrstuvwxyz0123\n", "ghp_abcdefghijklmnopqrstuvwxyz0123"),
    ("slack token", "post(xoxb-1234567890-abcdefghijkl)\n", "xoxb-1234567890-abcdefghijkl"),
    ("breakwater key", "OPENAI_API_KEY=bwk_alice_" + "ab" * 32 + "\n", "bwk_alice_" + "ab" * 32),
    ("breakwater key in text", "use bwk_alice_" + "cd" * 32 + " here\n", "cd" * 32),
    ("jwt", f"headers = {{'X-Token': '{JWT}'}}\n", JWT),
    ("jwt bare", f"send({JWT})\n", JWT),
    ("bearer", "curl -H 'Authorization: Bearer abcdef1234567890abcdef' api\n", "abcdef1234567890abcdef"),
    ("url password", "url = 'postgres://app:s3cretpw@db/x'\n", "s3cretpw"),
    ("env export", "export DB_PASSWORD=hunter2hunter2\n", "hunter2hunter2"),
    ("private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
     "MIIEowIBAAKCAQEA"),
    ("high entropy string", "salt = \"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWpr\"\n",
     "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWpr"),
]


@pytest.mark.parametrize(("family", "text", "secret"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_every_secret_family_is_masked(family: str, text: str, secret: str) -> None:
    masked = SecretMasker().mask(text)
    assert secret not in masked, masked
    assert MASK in masked


def test_ordinary_code_is_kept() -> None:
    code = "import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n"
    assert SecretMasker().mask(code) == code


def test_hardcoded_secret_lines_are_masked_even_without_a_known_shape() -> None:
    code = "a = 1\nPASSPHRASE_PARTS = ['correct', 'horse']\nprint(a)\n"
    masked = SecretMasker().mask(code, [(2, 2)])
    assert "correct" not in masked and "horse" not in masked
    assert masked.startswith("a = 1\n") and masked.endswith("print(a)\n")


def test_secret_cut_by_the_excerpt_limit_is_still_masked() -> None:
    code = "x = 1\n" * 3 + "token: ghp_abcdefghijklmnopqrstuvwxyz0123\n" + "y = 2\n" * 50
    limit = code.index("ghp_") + 10  # the cut falls inside the token
    excerpt = SecretMasker().excerpt(code, limit)
    assert "ghp_abcd" not in excerpt and excerpt.endswith("…")


def test_huge_code_is_masked_only_around_the_excerpt() -> None:
    code = "password: hunter2secret\n" + "x = 1\n" * 200_000
    excerpt = SecretMasker().excerpt(code, 100)
    assert "hunter2secret" not in excerpt and len(excerpt) <= 101
