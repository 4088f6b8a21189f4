import logging


def a(x):
    # ruleid: python.bare-except-pass
    try:
        return int(x)
    except:
        pass


def b(x):
    # ruleid: python.bare-except-pass
    try:
        return int(x)
    except Exception:
        pass


def c(x):
    # ok: python.bare-except-pass
    try:
        return int(x)
    except ValueError:
        logging.exception("bad int %r", x)
        raise


def d(x):
    # ok: python.bare-except-pass
    try:
        return int(x)
    except ValueError:
        return None
