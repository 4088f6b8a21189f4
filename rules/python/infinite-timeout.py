import socket

import aiohttp
import httpx
import requests


def fetch(url):
    # ruleid: python.infinite-timeout
    return requests.get(url, timeout=None).json()


client = httpx.Client(
    base_url="https://api.example.com",
    # ruleid: python.infinite-timeout
    timeout=httpx.Timeout(None),
)


async def stream(url):
    # ruleid: python.infinite-timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
        async with session.get(url) as resp:
            return await resp.read()


def connect(host):
    sock = socket.create_connection((host, 443), timeout=5)
    # ruleid: python.infinite-timeout
    sock.settimeout(None)
    return sock


def fetch_ok(url):
    # ok: python.infinite-timeout
    return requests.get(url, timeout=(3.05, 10)).json()


async def stream_ok(url):
    # ok: python.infinite-timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60, sock_read=15)) as session:
        async with session.get(url) as resp:
            return await resp.read()
