import subprocess
from subprocess import check_output


def deploy(tag):
    # ruleid: python.subprocess-without-timeout
    subprocess.run(["kubectl", "rollout", "status", f"deploy/web-{tag}"], check=True)


def current_sha():
    # ruleid: python.subprocess-without-timeout
    return check_output(["git", "rev-parse", "HEAD"], text=True).strip()


def deploy_ok(tag):
    # ok: python.subprocess-without-timeout
    subprocess.run(["kubectl", "rollout", "status", f"deploy/web-{tag}"], check=True, timeout=300)


def sha_ok():
    try:
        # ok: python.subprocess-without-timeout
        return check_output(["git", "rev-parse", "HEAD"], text=True, timeout=10).strip()
    except subprocess.TimeoutExpired:
        return None
