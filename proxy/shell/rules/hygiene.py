"""Reliability and security hygiene of shell commands: timeouts, TLS, host keys, secrets, eval, retry loops.

These tag (or block, for secrets and TLS) like the language packs do; they are judged in-process
with the command rules, so a shell command never waits for the Semgrep engine.
"""

from __future__ import annotations

import re

from proxy.models import Category, Severity
from proxy.shell import options
from proxy.shell.model import Command
from proxy.shell.rules.base import CommandRule, ScriptRule

_CURL_VALUES = ("-o", "-d", "-H", "-u", "-X", "-A", "-e", "-b", "-c", "-T", "-F", "-w", "-m", "-x", "-r", "-K",
                "-E", "-C", "-y", "-Y", "-z", "-Q", "-P", "--data", "--header", "--user", "--request", "--output",
                "--max-time", "--connect-timeout", "--proxy", "--config", "--cert", "--key", "--cacert",
                "--retry", "--form", "--data-binary", "--data-raw", "--url", "--write-out", "--user-agent")


def curl_without_timeout(command: Command) -> bool:
    if command.name != "curl":
        return False
    opts = options.parse(command.argv[1:], _CURL_VALUES)
    if opts.has("mVh", "max-time", "connect-timeout", "help", "version", "manual"):
        return False
    return bool(opts.operands) or opts.value("--url") is not None


_TLS_OFF_ENV = re.compile(r"^(?:GIT_SSL_NO_VERIFY=(?:1|true|yes)|NODE_TLS_REJECT_UNAUTHORIZED=0|"
                          r"PYTHONHTTPSVERIFY=0|CURL_CA_BUNDLE=|REQUESTS_CA_BUNDLE=|SSL_CERT_FILE=/dev/null)$", re.I)


def tls_verification_disabled(command: Command) -> bool:
    name, argv = command.name, command.argv
    env = [*command.env, *(argv[1:] if name in ("export", "declare", "typeset", "env") else ())]
    if any(_TLS_OFF_ENV.match(assignment) for assignment in env):
        return True
    if name == "curl":
        return options.parse(argv[1:], _CURL_VALUES).has("k", "insecure")
    if name == "wget":
        return "--no-check-certificate" in argv
    if name == "git":
        joined = " ".join(argv).lower()
        return bool(re.search(r"http\.sslverify[= ](?:false|0|no)\b", joined))
    if name in ("npm", "yarn", "pnpm"):
        return bool(re.search(r"\bstrict-ssl[= ]false\b", " ".join(argv)))
    if name in ("pip", "pip3") or (name in ("python", "python3") and "pip" in argv):
        return any(arg == "--trusted-host" or arg.startswith("--trusted-host=") for arg in argv)
    return False


_HOST_KEYS_OFF = re.compile(r"StrictHostKeyChecking[= ]+(?:no|off|accept-new=no)\b|UserKnownHostsFile[= ]+/dev/null",
                            re.I)
_SEARCHERS = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "ack", "find", "man", "less", "cat"})


def host_key_checking_disabled(command: Command) -> bool:
    if command.name in _SEARCHERS and not command.writes:
        return False
    texts = [*command.argv[1:], *command.env, (command.stdin.text or "") if command.stdin else ""]
    return any(_HOST_KEYS_OFF.search(text) for text in texts)


_UNTRUSTED = re.compile(r"\$\{?(?:[1-9]|[@*])|\$\{?(?:QUERY_STRING|HTTP_[A-Z_]+|REQUEST_\w+)\b")


def eval_positional_args(command: Command) -> bool:
    return command.name == "eval" and any(_UNTRUSTED.search(word.value) for word in command.args if word.dynamic)


RULES = (
    CommandRule(
        "bash.curl-without-timeout", Category.MISSING_TIMEOUT, Severity.LOW,
        "curl has no overall timeout by default, so a stalled server hangs this script (and the cron job, deploy or "
        "CI step running it) indefinitely. Add --max-time (and --connect-timeout), plus --retry with a small count "
        "if needed.",
        curl_without_timeout,
        ("curl https://api.example.com/health", "curl -fsSL https://x.io/i.sh -o i.sh", "sudo curl -X POST x/y"),
        ("curl --max-time 10 https://x.io", "curl -m 5 https://x.io", "curl --version", "echo curl https://x.io",
         "curl --connect-timeout 3 https://x.io"),
        ("https://everything.curl.dev/usingcurl/timeouts",),
    ),
    CommandRule(
        "bash.tls-verification-disabled", Category.INSECURE_TRANSPORT, Severity.HIGH,
        "TLS certificate verification is switched off (curl -k, wget --no-check-certificate, git http.sslVerify="
        "false, npm strict-ssl=false, pip --trusted-host, GIT_SSL_NO_VERIFY, NODE_TLS_REJECT_UNAUTHORIZED=0), so a "
        "man-in-the-middle can substitute what you download or send. Fix the CA bundle instead (curl --cacert, git "
        "http.sslCAInfo).",
        tls_verification_disabled,
        ("curl -k https://x.io", "curl -sSkL --max-time 5 https://x.io", "curl --insecure https://x.io",
         "wget --no-check-certificate https://x.io/f", "git config --global http.sslVerify false",
         "git -c http.sslVerify=false clone https://x/r.git", "export GIT_SSL_NO_VERIFY=1",
         "GIT_SSL_NO_VERIFY=true git pull", "npm config set strict-ssl false",
         "pip install --trusted-host pypi.example.com pkg", "NODE_TLS_REJECT_UNAUTHORIZED=0 node app.js"),
        ("curl --cacert ca.pem https://x.io", "git config http.sslCAInfo ca.pem", "npm config set strict-ssl true",
         "curl -o key.pem https://x.io/k", "echo 'never use curl -k'"),
        ("https://curl.se/docs/sslcerts.html", "https://cwe.mitre.org/data/definitions/295.html"),
    ),
    CommandRule(
        "bash.ssh-host-key-checking-disabled", Category.INSECURE_TRANSPORT, Severity.MEDIUM,
        "StrictHostKeyChecking=no (or UserKnownHostsFile=/dev/null) accepts any host key, so a spoofed host can "
        "capture credentials and deployed code. Pin the host key: ssh-keyscan once into known_hosts and verify its "
        "fingerprint.",
        host_key_checking_disabled,
        ("ssh -o StrictHostKeyChecking=no deploy@host", "scp -o UserKnownHostsFile=/dev/null f host:",
         "rsync -e 'ssh -o StrictHostKeyChecking=no' a host:b",
         "GIT_SSH_COMMAND='ssh -o StrictHostKeyChecking=no' git pull",
         "printf 'Host *\\n  StrictHostKeyChecking no\\n' >> ~/.ssh/config"),
        ("ssh -o StrictHostKeyChecking=yes host", "ssh-keyscan host >> ~/.ssh/known_hosts",
         "grep -r StrictHostKeyChecking=no ."),
        ("https://man.openbsd.org/ssh_config#StrictHostKeyChecking",),
    ),
    CommandRule(
        "bash.eval-positional-args", Category.INJECTION, Severity.MEDIUM,
        "eval on script arguments or request-derived variables executes them as shell code, so a crafted argument "
        "runs arbitrary commands. Pass arguments through as an array (\"$@\") or parse them; avoid eval.",
        eval_positional_args,
        ('eval "$1"', "eval $@", 'eval "git $*"', 'eval "echo $QUERY_STRING"'),
        ('eval "$(ssh-agent -s)"', "eval set -- $OPTS", '"$@"', "echo $1"),
        ("https://www.shellcheck.net/wiki/SC2294",),
    ),
    ScriptRule(
        "bash.hardcoded-credential", Category.HARDCODED_SECRET, Severity.HIGH,
        "A password, token or key is written literally into the script (and so into git, CI logs and ps output). "
        "Read it from the environment or a secret store (e.g. \"${DB_PASSWORD:?}\", a mounted file, vault/aws "
        "secretsmanager), and pass it to tools via env or stdin rather than the command line.",
        re.compile(
            r"(?m)^[^#\n]*?(?:\b(?:export\s+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY)="
            r"(?![\"']?\$)[\"']?(?=[^\s\"']*[0-9])[A-Za-z0-9+/_@#%^&*!.-]{8,}|\bmysql(?:dump|admin)?\b[^\n]*\s-p"
            r"(?![\s$\"'])[^\s]{6,}|\bsshpass\s+-p\s*[\"']?(?!\$)[^\s\"']{6,}|\bcurl\b[^\n]*\s(?:-u|--user)\s+"
            r"[\"']?[^\s:$\"']+:(?!\$)[^\s\"']{6,}|(?<![A-Za-z0-9/+])AKIA[0-9A-Z]{16})"),
        ("export DB_PASSWORD=Sup3rS3cret!", "mysqldump -u root -pHunter2024 shop > shop.sql",
         "curl -u deploy:9f8e7d6c5b4a https://ci.internal/api", "cat > .env <<'EOF'\nAPI_TOKEN=ghp4x9Kq2mZ7vR1\nEOF"),
        ('export DB_PASSWORD="${DB_PASSWORD:?must be set}"', 'mysqldump -u root -p"$MYSQL_PWD" shop',
         "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "# TOKEN=abc12345678"),
        ("https://cwe.mitre.org/data/definitions/798.html",),
        exclude=re.compile(r"(?i)AKIA[0-9A-Z]*EXAMPLE|changeme|example|placeholder|xxxxxx|your[_-]"),
    ),
    ScriptRule(
        "bash.retry-loop-without-sleep", Category.UNBOUNDED_RETRY, Severity.MEDIUM,
        "This until/while loop re-runs a failing command with no sleep and no attempt limit, so it spins at full "
        "speed and hammers the dependency while it is down. Add a bounded counter and a growing sleep, e.g. for i "
        "in $(seq 1 10); do cmd && break; sleep $((2**i)); done.",
        re.compile(
            r"(?ms)^[ \t]*(?:until\s[^\n]*?|while\s+!\s[^\n]*?|while\s+(?:true|:)\s*)(?:;\s*|\n\s*)do\b(?:(?!\bsleep\b|"
            r"\bdone\b|\bread\b|\bwait\b|\bexit\b|\breturn\b|\bbreak\b\s*[0-9]|\bsystemctl\b).)*?\bdone\b"),
        ("until pg_isready -h db; do echo waiting; done", "while ! curl -fs http://x/health; do :; done",
         "while true; do\n  kubectl apply -f d.yaml && break\ndone"),
        ("until pg_isready; do sleep 2; done", "for i in $(seq 1 5); do x && break; sleep 1; done",
         "while true; do\n  read -r line || break\n  echo \"$line\"\ndone"),
        ("https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",),
        exclude=re.compile(r"(?ms)^[ \t]*while\s+(?:true|:)\s*(?:;\s*|\n\s*)do\b(?:(?!&&\s*break|\bdone\b).)*\bdone\b"),
    ),
)
