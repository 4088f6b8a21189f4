import json

import urllib3
from urllib3 import PoolManager

http = urllib3.PoolManager()


def fetch_rates():
    # ruleid: python.urllib3-without-timeout
    resp = http.request("GET", "https://rates.example.com/latest")
    return json.loads(resp.data)


def ping():
    # ruleid: python.urllib3-without-timeout
    return urllib3.request("GET", "https://status.example.com/ping").status


def upload(body):
    pool = PoolManager(num_pools=4)
    # ruleid: python.urllib3-without-timeout
    return pool.request("POST", "https://uploads.example.com", body=body)


def fetch_rates_ok():
    # ok: python.urllib3-without-timeout
    resp = http.request("GET", "https://rates.example.com/latest", timeout=urllib3.Timeout(connect=2, read=5))
    return json.loads(resp.data)


def upload_ok(body):
    pool = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2.0, read=10.0), retries=3)
    # ok: python.urllib3-without-timeout
    return pool.request("POST", "https://uploads.example.com", body=body)
