import asyncio
from concurrent.futures import ThreadPoolExecutor, as_completed

executor = ThreadPoolExecutor(max_workers=8)


def fetch_quote(symbol):
    future = executor.submit(client.quote, symbol)
    # ruleid: python.future-result-without-timeout
    return future.result()


def fetch_rates():
    # ruleid: python.future-result-without-timeout
    return executor.submit(client.rates).result()


def call_from_thread(loop, coro):
    # ruleid: python.future-result-without-timeout
    return asyncio.run_coroutine_threadsafe(coro, loop).result()


def fetch_quote_bounded(symbol):
    future = executor.submit(client.quote, symbol)
    # ok: python.future-result-without-timeout
    return future.result(timeout=5)


def collect(symbols):
    futures = [executor.submit(client.quote, s) for s in symbols]
    # ok: python.future-result-without-timeout
    return [f.result() for f in as_completed(futures, timeout=10)]


def parse(job):
    # ok: python.future-result-without-timeout
    return job.result()
