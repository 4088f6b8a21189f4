import asyncio
import subprocess

import httpx
import requests


async def get_weather(city):
    # ruleid: python.sync-io-in-async
    resp = requests.get("https://weather.example.com", params={"q": city}, timeout=5)
    return resp.json()


async def convert_video(path):
    # ruleid: python.sync-io-in-async
    subprocess.run(["ffmpeg", "-i", path, path + ".mp4"], check=True, timeout=600)


async def get_weather_ok(city):
    async with httpx.AsyncClient(timeout=5) as client:
        # ok: python.sync-io-in-async
        resp = await client.get("https://weather.example.com", params={"q": city})
    return resp.json()


async def convert_video_ok(path):
    # ok: python.sync-io-in-async
    proc = await asyncio.create_subprocess_exec("ffmpeg", "-i", path, path + ".mp4")
    await proc.wait()


def get_weather_sync(city):
    # ok: python.sync-io-in-async
    return requests.get("https://weather.example.com", params={"q": city}, timeout=5).json()


@router.post("/webhooks/{name}")
async def relay_webhook(name, payload):
    # ruleid: python.sync-io-in-async
    requests.post(f"https://hooks.example.com/{name}", json=payload, timeout=5)


class Jobs:
    @classmethod
    async def transcode(cls, path):
        # ruleid: python.sync-io-in-async
        subprocess.check_call(["ffmpeg", "-i", path, path + ".mp4"], timeout=600)


@app.get("/weather")
async def weather_offloaded(city):
    def fetch():
        # ok: python.sync-io-in-async
        return requests.get("https://weather.example.com", params={"q": city}, timeout=5)

    return (await asyncio.to_thread(fetch)).json()


@shared_task(bind=True, max_retries=3)
def export_invoice(self, invoice_id):
    # ok: python.sync-io-in-async
    requests.post("https://export.example.com", json={"id": invoice_id}, timeout=15)


@router.get("/reports/{report_id}")
@requires_auth("reports:read")
@cached(ttl=60)
async def get_report(report_id: int):
    # ruleid: python.sync-io-in-async
    conn = psycopg2.connect(DSN)
    with conn.cursor() as cur:
        cur.execute("SELECT body FROM reports WHERE id = %s", (report_id,))
        row = cur.fetchone()
    conn.close()
    return {"body": row[0]}


@bot.command()
async def stats(ctx):
    # ruleid: python.sync-io-in-async
    with sqlite3.connect("bot.db") as db:
        count = db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    await ctx.send(f"{count} users")


@router.get("/reports/{report_id}/async")
@requires_auth("reports:read")
async def get_report_async(report_id: int):
    # ok: python.sync-io-in-async
    async with await psycopg.AsyncConnection.connect(DSN) as conn:
        cur = await conn.execute("SELECT body FROM reports WHERE id = %s", (report_id,))
        return {"body": (await cur.fetchone())[0]}


def sync_report(report_id: int):
    # ok: python.sync-io-in-async
    conn = psycopg2.connect(DSN)
    conn.close()
