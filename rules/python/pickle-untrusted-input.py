import base64
import pickle


def load_cart(request):
    # ruleid: python.pickle-untrusted-input
    return pickle.loads(base64.b64decode(request.cookies.get("cart", "")))


def handle(conn):
    raw = conn.recv(65536)
    # ruleid: python.pickle-untrusted-input
    return pickle.loads(raw)


def load_model(path):
    with open(path, "rb") as fh:
        # ok: python.pickle-untrusted-input
        return pickle.load(fh)


def load_cart_ok(request):
    # ok: python.pickle-untrusted-input
    return json.loads(base64.b64decode(request.cookies.get("cart", "")))


def round_trip(params):
    dump = pickle.dumps(params)
    # ok: python.pickle-untrusted-input
    return pickle.loads(dump)
