import asyncio
import time
from time import sleep


async def poll_job(client, job_id):
    while True:
        status = await client.status(job_id)
        if status == "done":
            return
        # ruleid: python.sleep-in-async
        time.sleep(2)


async def rate_limited_send(items, send):
    for item in items:
        await send(item)
        # ruleid: python.sleep-in-async
        sleep(0.1)


async def poll_job_ok(client, job_id):
    while True:
        if await client.status(job_id) == "done":
            return
        # ok: python.sleep-in-async
        await asyncio.sleep(2)


async def offload():
    def blocking_work():
        # ok: python.sleep-in-async
        time.sleep(1)
        return 42
    return await asyncio.to_thread(blocking_work)


def sync_worker():
    # ok: python.sleep-in-async
    time.sleep(5)
