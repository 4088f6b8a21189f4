from decimal import Decimal
import decimal

# ruleid: python.decimal-from-float
VAT = Decimal(0.19)


def to_money(raw):
    # ruleid: python.decimal-from-float
    return decimal.Decimal(float(raw)).quantize(Decimal("0.01"))


# ok: python.decimal-from-float
VAT_OK = Decimal("0.19")


def to_money_ok(raw):
    # ok: python.decimal-from-float
    return Decimal(str(raw)).quantize(Decimal("0.01"))
