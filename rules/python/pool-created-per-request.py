import asyncpg
from fastapi import FastAPI
from flask import Flask
from sqlalchemy import create_engine, text

app = FastAPI()
flask_app = Flask(__name__)


@app.get("/orders/{customer_id}")
async def list_orders(customer_id: int):
    # ruleid: python.pool-created-per-request
    pool = await asyncpg.create_pool(DATABASE_URL, max_size=10)
    async with pool.acquire() as conn:
        return await conn.fetch("SELECT id, total FROM orders WHERE customer_id = $1", customer_id)


@flask_app.route("/report")
def report():
    # ruleid: python.pool-created-per-request
    engine = create_engine(REPORTING_URL, pool_size=5)
    with engine.connect() as conn:
        return {"rows": [dict(r._mapping) for r in conn.execute(text("SELECT * FROM daily_totals"))]}


# ok: python.pool-created-per-request
engine = create_engine(DATABASE_URL, pool_size=10, max_overflow=5, pool_timeout=5)


@flask_app.route("/totals")
def totals():
    with engine.connect() as conn:
        return {"total": conn.execute(text("SELECT sum(total) FROM orders")).scalar_one()}


def make_engine():
    # ok: python.pool-created-per-request
    return create_engine(DATABASE_URL, pool_size=10, max_overflow=5)
