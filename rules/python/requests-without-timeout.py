import requests
import requests as r
from requests import get


def fetch(url):
    # ruleid: python.requests-without-timeout
    return requests.get(url)


def post(url, data):
    # ruleid: python.requests-without-timeout
    return r.post(url, json=data)


def via_import(url):
    # ruleid: python.requests-without-timeout
    return get(url)


def with_session(url):
    session = requests.Session()
    # ruleid: python.requests-without-timeout
    return session.get(url)


def good(url):
    # ok: python.requests-without-timeout
    return requests.get(url, timeout=5)


def good_session(url):
    session = requests.Session()
    # ok: python.requests-without-timeout
    return session.get(url, timeout=(3.05, 27))
