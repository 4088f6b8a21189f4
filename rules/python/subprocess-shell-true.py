import os
import subprocess


def run(name):
    # ruleid: python.subprocess-shell-true
    subprocess.run(f"ls {name}", shell=True, check=True)
    # ruleid: python.subprocess-shell-true
    os.system("rm " + name)
    # ok: python.subprocess-shell-true
    subprocess.run(["ls", name], check=True, timeout=10)
    # ok: python.subprocess-shell-true
    subprocess.run("ls -l", shell=True, check=True, timeout=10)
