from flask_sqlalchemy import SQLAlchemy
import pytest
from sqlalchemy import create_engine

from app.models import Base

db = SQLAlchemy()
engine = create_engine(DATABASE_URL)


def init_db():
    # ruleid: python.sqlalchemy-drop-all
    Base.metadata.drop_all(bind=engine)
    Base.metadata.create_all(bind=engine)


@app.on_event("startup")
async def startup():
    async with engine.begin() as conn:
        # ruleid: python.sqlalchemy-drop-all
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)


with app.app_context():
    # ruleid: python.sqlalchemy-drop-all
    db.drop_all()
    db.create_all()


def create_tables():
    # ok: python.sqlalchemy-drop-all
    Base.metadata.create_all(bind=engine)


@pytest.fixture
def database():
    Base.metadata.create_all(bind=engine)
    yield
    # ok: python.sqlalchemy-drop-all
    Base.metadata.drop_all(bind=engine)
