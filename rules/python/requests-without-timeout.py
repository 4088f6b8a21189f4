import requests
import requests as r
from requests import get, post


def fetch_user(user_id):
    # ruleid: python.requests-without-timeout
    resp = requests.get(f"https://api.example.com/users/{user_id}")
    resp.raise_for_status()
    return resp.json()


def create_order(payload):
    # ruleid: python.requests-without-timeout
    return r.post("https://api.example.com/orders", json=payload)


def health():
    # ruleid: python.requests-without-timeout
    return get("https://status.example.com/health").ok


def sync_all(items):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer xyz"
    for item in items:
        # ruleid: python.requests-without-timeout
        session.put(f"https://api.example.com/items/{item.id}", json=item.to_dict())


def with_session():
    with requests.Session() as s:
        # ruleid: python.requests-without-timeout
        return s.request("GET", "https://api.example.com/ping")


def good_fetch(user_id):
    # ok: python.requests-without-timeout
    resp = requests.get(f"https://api.example.com/users/{user_id}", timeout=(3.05, 30))
    return resp.json()


def good_post(payload):
    # ok: python.requests-without-timeout
    return post("https://api.example.com/orders", json=payload, timeout=10)


def good_session(items):
    session = requests.Session()
    for item in items:
        # ok: python.requests-without-timeout
        session.put(f"https://api.example.com/items/{item.id}", json=item, timeout=5)


def forwarded(**kwargs):
    # ok: python.requests-without-timeout
    return requests.get("https://api.example.com", **kwargs)


def not_requests(d):
    # ok: python.requests-without-timeout
    return d.get("key")
