import os

import psycopg2

# ruleid: python.hardcoded-password
DB_PASSWORD = "Pg$ecure2024!"
# ruleid: python.hardcoded-password
STRIPE_API_KEY = "rk_live_51HxQ2eKZ9aBcDeF"


def connect():
    # ruleid: python.hardcoded-password
    return psycopg2.connect(host="db.internal", user="app", password="s3cr3t-Passw0rd", dbname="shop")


settings = {
    # ruleid: python.hardcoded-password
    "client_secret": "9f8e7d6c5b4a3210fedcba",
}

# ok: python.hardcoded-password
DB_PASSWORD_ENV = os.environ["DB_PASSWORD"]


def connect_ok():
    # ok: python.hardcoded-password
    return psycopg2.connect(host="db.internal", user="app", password=os.environ["DB_PASSWORD"], dbname="shop")


# ok: python.hardcoded-password
API_KEY = "your-api-key-here"
# ok: python.hardcoded-password
password_field = "password"
