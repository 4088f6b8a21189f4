def order_total(order, tax_rate):
    # ruleid: python.float-money-arithmetic
    return float(order.amount) * (1 + tax_rate)


def cart_total(items):
    # ruleid: python.float-money-arithmetic
    return sum(float(item["price"]) for item in items)


def refund(payment, fee):
    total = 0.0
    # ruleid: python.float-money-arithmetic
    total += float(payment.amount)
    # ruleid: python.float-money-arithmetic
    return total - float(fee.cost)


def order_total_ok(order, tax_rate):
    from decimal import Decimal

    # ok: python.float-money-arithmetic
    return Decimal(order.amount) * (1 + Decimal(tax_rate))


def average_latency(samples):
    # ok: python.float-money-arithmetic
    return float(samples.total_seconds) / len(samples)


def scaled(conversion):
    # ok: python.float-money-arithmetic
    return float(conversion.rate) * 100
