import json
import pickle

import redis

r = redis.Redis()


def get_cached_user(user_id):
    raw = r.get(f"user:{user_id}")
    # ruleid: python.pickle-load
    return pickle.loads(raw) if raw else None


def handle_upload(request):
    # ruleid: python.pickle-load
    model = pickle.load(request.files["model"])
    return model


def get_cached_user_ok(user_id):
    raw = r.get(f"user:{user_id}")
    # ok: python.pickle-load
    return json.loads(raw) if raw else None


def save(obj, path):
    with open(path, "wb") as fh:
        # ok: python.pickle-load
        pickle.dump(obj, fh)
