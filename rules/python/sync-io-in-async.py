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
