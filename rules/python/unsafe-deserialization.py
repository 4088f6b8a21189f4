import yaml


def load_config(path):
    with open(path) as fh:
        # ruleid: python.unsafe-deserialization
        return yaml.load(fh)


def load_payload(body):
    # ruleid: python.unsafe-deserialization
    return yaml.load(body, Loader=yaml.Loader)


def load_payload2(body):
    # ruleid: python.unsafe-deserialization
    return yaml.unsafe_load(body)


def load_config_ok(path):
    with open(path) as fh:
        # ok: python.unsafe-deserialization
        return yaml.safe_load(fh)


def load_payload_ok(body):
    # ok: python.unsafe-deserialization
    return yaml.load(body, Loader=yaml.SafeLoader)
