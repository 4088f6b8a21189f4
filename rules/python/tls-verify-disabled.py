import httpx
import requests
from requests import Session


def fetch_invoices(base):
    # ruleid: python.tls-verify-disabled
    return requests.get(f"{base}/invoices", verify=False, timeout=10).json()


def internal_client():
    # ruleid: python.tls-verify-disabled
    return httpx.Client(base_url="https://vault.internal", verify=False, timeout=5)


def make_session():
    s = Session()
    # ruleid: python.tls-verify-disabled
    s.verify = False
    return s


def upload(session, url, data):
    # ruleid: python.tls-verify-disabled
    return session.post(url, data=data, verify=False, timeout=30)


def fetch_invoices_ok(base):
    # ok: python.tls-verify-disabled
    return requests.get(f"{base}/invoices", verify="/etc/ssl/certs/internal-ca.pem", timeout=10).json()


def internal_client_ok():
    # ok: python.tls-verify-disabled
    return httpx.Client(base_url="https://vault.internal", verify=True, timeout=5)
