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


@app.get("/reports/{report_id}")
async def build_report(report_id):
    # ruleid: python.sleep-in-async
    time.sleep(2)
    return {"id": report_id}


@bot.command(name="poll")
@commands.cooldown(1, 5)
async def poll(ctx):
    # ruleid: python.sleep-in-async
    time.sleep(1)


class Worker:
    @staticmethod
    async def tick():
        # ruleid: python.sleep-in-async
        time.sleep(0.5)

    @celery_app.task
    async def refresh(self):
        # ruleid: python.sleep-in-async
        time.sleep(3)


@app.get("/slow")
async def slow_ok():
    def blocking_part():
        # ok: python.sleep-in-async
        time.sleep(5)

    await asyncio.to_thread(blocking_part)
    # ruleid: python.sleep-in-async
    time.sleep(1)


@app.get("/sync")
def sync_route():
    # ok: python.sleep-in-async
    time.sleep(1)


@app.post("/orders")
async def create_order(
    order: dict,
    user=None,
):
    # ruleid: python.sleep-in-async
    time.sleep(1)
    return order
