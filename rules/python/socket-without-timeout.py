import socket


def send_metric(line):
    # ruleid: python.socket-without-timeout
    sock = socket.create_connection(("graphite.internal", 2003))
    sock.sendall(line.encode())
    sock.close()


def redis_ping(host, port):
    # ruleid: python.socket-without-timeout
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect((host, port))
    s.sendall(b"PING\r\n")
    return s.recv(64)


def send_metric_ok(line):
    # ok: python.socket-without-timeout
    sock = socket.create_connection(("graphite.internal", 2003), timeout=2)
    sock.sendall(line.encode())
    sock.close()


def redis_ping_ok(host, port):
    # ok: python.socket-without-timeout
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect((host, port))
    return s.recv(64)
