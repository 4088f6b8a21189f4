from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine

# ruleid: python.unbounded-connection-pool
engine = create_engine(DATABASE_URL, pool_size=20, max_overflow=-1)

# ruleid: python.unbounded-connection-pool
reporting = create_engine(REPORTING_URL, pool_size=0, pool_pre_ping=True)

# ruleid: python.unbounded-connection-pool
async_engine = create_async_engine(DATABASE_URL, pool_size=10, max_overflow=5, pool_timeout=None)

# ok: python.unbounded-connection-pool
bounded = create_engine(DATABASE_URL, pool_size=10, max_overflow=5, pool_timeout=5, pool_pre_ping=True)

# ok: python.unbounded-connection-pool
default = create_async_engine(DATABASE_URL)
