import httpx
import requests

# ruleid: python.verify-false
requests.get("https://internal", verify=False, timeout=5)
# ruleid: python.verify-false
client = httpx.Client(verify=False, timeout=5)
# ok: python.verify-false
requests.get("https://internal", verify="/etc/ssl/ca.pem", timeout=5)
# ok: python.verify-false
requests.get("https://internal", timeout=5)
