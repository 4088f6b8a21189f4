import backoff
import requests
import tenacity
from retrying import retry as retrying_retry
from tenacity import retry, stop_after_attempt, wait_exponential_jitter, wait_fixed


# ruleid: python.retry-decorator-without-limit
@retry(wait=wait_fixed(1))
def push_metrics(batch):
    resp = requests.post(METRICS_URL, json=batch, timeout=5)
    resp.raise_for_status()


# ruleid: python.retry-decorator-without-limit
@backoff.on_exception(backoff.expo, requests.exceptions.RequestException)
def fetch_rates():
    return requests.get(RATES_URL, timeout=5).json()


# ruleid: python.retry-decorator-without-limit
@retrying_retry(wait_fixed=2000)
def poll_job(job_id):
    return client.get_job(job_id)


def sync_all():
    # ruleid: python.retry-decorator-without-limit
    for attempt in tenacity.Retrying(wait=wait_fixed(2)):
        with attempt:
            sync_once()


# ok: python.retry-decorator-without-limit
@retry(stop=stop_after_attempt(5), wait=wait_exponential_jitter(initial=0.5, max=20))
def push_events(batch):
    requests.post(EVENTS_URL, json=batch, timeout=5).raise_for_status()


# ok: python.retry-decorator-without-limit
@backoff.on_exception(backoff.expo, requests.exceptions.RequestException, max_tries=5, jitter=backoff.full_jitter)
def fetch_prices():
    return requests.get(PRICES_URL, timeout=5).json()


# ok: python.retry-decorator-without-limit
@backoff.on_exception(backoff.expo, ConnectionError, max_time=60)
def connect():
    return open_connection()


# ok: python.retry-decorator-without-limit
@retrying_retry(stop_max_attempt_number=3, wait_exponential_multiplier=500)
def poll_status(job_id):
    return client.get_status(job_id)


# ruleid: python.retry-decorator-without-limit
@retry
def ping_upstream():
    return requests.get(HEALTH_URL, timeout=2)
