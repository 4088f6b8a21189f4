import csv


def count_lines(path):
    # ruleid: python.open-without-close
    fh = open(path)
    return sum(1 for _ in fh)


def append_audit(path, line):
    # ruleid: python.open-without-close
    out = open(path, "a")
    out.write(line + "\n")


def count_lines_ok(path):
    with open(path) as fh:
        # ok: python.open-without-close
        return sum(1 for _ in fh)


def append_audit_ok(path, line):
    # ok: python.open-without-close
    out = open(path, "a")
    out.write(line + "\n")
    out.close()
