import os
import shlex
import subprocess
from subprocess import run


def backup(db_name, dest):
    # ruleid: python.shell-injection
    os.system(f"pg_dump {db_name} | gzip > {dest}")


def grep_logs(pattern):
    # ruleid: python.shell-injection
    out = subprocess.check_output("grep -r '%s' /var/log/app" % pattern, shell=True, timeout=30)
    return out.decode()


def convert(filename):
    # ruleid: python.shell-injection
    run("convert " + filename + " out.png", shell=True, check=True, timeout=60)


def backup_ok(db_name, dest):
    # ok: python.shell-injection
    subprocess.run(["pg_dump", "-f", dest, db_name], check=True, timeout=600)


def grep_logs_ok(pattern):
    # ok: python.shell-injection
    out = subprocess.check_output(f"grep -r {shlex.quote(pattern)} /var/log/app", shell=True, timeout=30)
    return out.decode()


def disk_usage():
    # ok: python.shell-injection
    os.system("df -h")


def leaks():
    # ok: python.shell-injection
    os.system("leaks %d" % os.getpid())


def run_shell(unix_shell):
    # ok: python.shell-injection
    return os.popen(f"{unix_shell} -c 'echo hello'").read()
