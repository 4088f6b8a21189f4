import json
import urllib.request
from urllib.request import urlopen, Request
import http.client


def load_config(url):
    # ruleid: python.urllib-without-timeout
    with urllib.request.urlopen(url) as resp:
        return json.load(resp)


def post_event(url, body):
    req = Request(url, data=body, headers={"Content-Type": "application/json"})
    # ruleid: python.urllib-without-timeout
    return urlopen(req).read()


def ping(host):
    # ruleid: python.urllib-without-timeout
    conn = http.client.HTTPSConnection(host)
    conn.request("GET", "/healthz")
    return conn.getresponse().status


def load_config_ok(url):
    # ok: python.urllib-without-timeout
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


def ping_ok(host):
    # ok: python.urllib-without-timeout
    conn = http.client.HTTPSConnection(host, timeout=5)
    conn.request("GET", "/healthz")
    return conn.getresponse().status


def positional_ok(url, data):
    # ok: python.urllib-without-timeout
    return urlopen(url, data, 15).read()
