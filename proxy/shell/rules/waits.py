"""Wait and retry loops that never give up: a deploy script's `until healthy; do sleep 1; done` hangs the
pipeline forever when the service never comes up (issue 19). The loop without any sleep is
`bash.retry-loop-without-sleep` (hygiene); this family is the polite loop that sleeps but has no bound.
"""

from __future__ import annotations

import re

from proxy.models import Category, Severity
from proxy.shell.rules.base import ScriptRule

# Words that bound a loop: a counter in the condition or body, an elapsed-time check, or a way out.
_BOUND_WORDS = (r"\bexit\b|\breturn\b|\bbreak\b|\(\(|\blet\b|\bexpr\b|\bSECONDS\b|(?<!-)\btimeout\b|\bdeadline\b"
                r"|attempt|tries|count|\bdate\b")
_CONDITION_BOUND = r"-ge\b|-gt\b|-lt\b|-le\b|-eq\b|" + _BOUND_WORDS

RULES = (
    ScriptRule(
        "bash.wait-loop-without-limit", Category.UNBOUNDED_RETRY, Severity.MEDIUM,
        "This until/while-not loop waits for a command to succeed with no attempt limit and no deadline: when the "
        "service never comes up it sleeps forever, hanging the deploy or CI job (and whatever queues behind it) "
        "instead of failing. Bound it: for i in $(seq 1 30); do cmd && break; sleep 2; done, then fail if it never "
        "succeeded, or wrap it in timeout 120 bash -c '...'.",
        re.compile(
            r"(?ms)^[ \t]*(?:until|while\s+!)\s(?![^\n]*?(?:" + _CONDITION_BOUND + r"))[^\n]*?(?:;\s*|\n\s*)do\b"
            r"(?=(?:(?!\bdone\b).)*?\bsleep\b)(?:(?!\bdone\b|" + _BOUND_WORDS + r").)*?\bdone\b"),
        ("until curl -fsS --max-time 2 http://localhost:8080/healthz; do\n  sleep 1\ndone",
         "until pg_isready -h db; do sleep 2; done",
         "while ! kubectl rollout status deploy/api --timeout=10s >/dev/null; do\n  echo waiting\n  sleep 5\ndone"),
        ("for i in $(seq 1 30); do curl -fs http://x/health && break; sleep 2; done",
         "until pg_isready -h db || [ \"$attempt\" -ge 10 ]; do attempt=$((attempt+1)); sleep 2; done",
         "until curl -fs http://x/health; do\n  tries=$((tries+1))\n  [ $tries -gt 30 ] && exit 1\n  sleep 2\ndone",
         "timeout 120 bash -c 'until curl -fs http://x/health; do sleep 2; done'",
         "until pg_isready; do echo waiting; done"),
        ("https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",),
    ),
)
