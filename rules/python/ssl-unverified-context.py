import ssl
import urllib.request
import unittest


def fetch(url):
    # ruleid: python.ssl-unverified-context
    ctx = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=ctx, timeout=10).read()


def make_ctx():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    # ruleid: python.ssl-unverified-context
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


# ruleid: python.ssl-unverified-context
ssl._create_default_https_context = ssl._create_unverified_context


def fetch_ok(url):
    # ok: python.ssl-unverified-context
    ctx = ssl.create_default_context(cafile="/etc/ssl/certs/internal-ca.pem")
    return urllib.request.urlopen(url, context=ctx, timeout=10).read()


def strict_ctx():
    ctx = ssl.create_default_context()
    # ok: python.ssl-unverified-context
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class LocalServerTest(unittest.TestCase):
    def test_self_signed(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        # ok: python.ssl-unverified-context
        ctx.verify_mode = ssl.CERT_NONE


def server_ctx(certfile):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certfile)
    ctx.check_hostname = False
    # ok: python.ssl-unverified-context
    ctx.verify_mode = ssl.CERT_NONE
    return ctx
