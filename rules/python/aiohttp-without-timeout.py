import aiohttp
from aiohttp import ClientSession, ClientTimeout


async def fetch_prices(symbols):
    # ruleid: python.aiohttp-without-timeout
    async with aiohttp.ClientSession() as session:
        async with session.get("https://quotes.example.com", params={"s": ",".join(symbols)}) as resp:
            return await resp.json()


async def notify(url, payload):
    # ruleid: python.aiohttp-without-timeout
    async with ClientSession(headers={"User-Agent": "svc"}) as session:
        await session.post(url, json=payload)


async def fetch_ok(url):
    # ok: python.aiohttp-without-timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10, connect=3)) as session:
        async with session.get(url) as resp:
            return await resp.text()


async def notify_ok(url, payload):
    timeout = ClientTimeout(total=5)
    # ok: python.aiohttp-without-timeout
    async with ClientSession(timeout=timeout) as session:
        await session.post(url, json=payload)
