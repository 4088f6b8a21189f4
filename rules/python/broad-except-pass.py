import json
import logging

log = logging.getLogger(__name__)


def charge(card, amount):
    # ruleid: python.broad-except-pass
    try:
        gateway.charge(card, amount)
    except:
        pass


def load_settings(path):
    settings = {}
    # ruleid: python.broad-except-pass
    try:
        with open(path) as fh:
            settings = json.load(fh)
    except Exception as e:
        pass
    return settings


def process(batch):
    for msg in batch:
        # ruleid: python.broad-except-pass
        try:
            handle(msg)
        except Exception:
            continue


def load_settings_ok(path):
    # ok: python.broad-except-pass
    try:
        with open(path) as fh:
            return json.load(fh)
    except FileNotFoundError:
        pass
    return {}


def process_ok(batch):
    for msg in batch:
        # ok: python.broad-except-pass
        try:
            handle(msg)
        except Exception:
            log.exception("failed to handle message %s", msg.id)
            continue
