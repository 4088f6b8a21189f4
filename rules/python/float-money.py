from dataclasses import dataclass
from decimal import Decimal


def parse_line(row):
    # ruleid: python.float-money
    unit_price = float(row["unit_price"])
    qty = int(row["qty"])
    return unit_price * qty


@dataclass
class Invoice:
    number: str
    # ruleid: python.float-money
    amount: float
    currency: str = "EUR"


# ruleid: python.float-money
def apply_discount(order_total: float, pct: int) -> float:
    return order_total * (100 - pct) / 100


def parse_line_ok(row):
    # ok: python.float-money
    unit_price = Decimal(row["unit_price"])
    return unit_price * int(row["qty"])


@dataclass
class Sample:
    # ok: python.float-money
    duration: float
    # ok: python.float-money
    tax_rate: float = 0.19
