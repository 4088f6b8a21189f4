import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
import urllib3

session = requests.Session()
# ruleid: python.retry-non-idempotent-post
retries = Retry(total=5, backoff_factor=0.5, status_forcelist=[500, 502, 503, 504], allowed_methods=["GET", "POST"])
session.mount("https://", HTTPAdapter(max_retries=retries))

# ruleid: python.retry-non-idempotent-post
payments_retry = urllib3.Retry(total=3, allowed_methods=None)

# ruleid: python.retry-non-idempotent-post
legacy = Retry(total=3, method_whitelist=frozenset(["GET", "PUT", "POST"]))

# ok: python.retry-non-idempotent-post
safe = Retry(total=5, backoff_factor=0.5, status_forcelist=[502, 503, 504])

# ok: python.retry-non-idempotent-post
reads = Retry(total=5, backoff_factor=0.5, allowed_methods=frozenset(["GET", "HEAD", "OPTIONS"]))
