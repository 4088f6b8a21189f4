import os
import shutil
from pathlib import Path
from shutil import rmtree

# ruleid: python.rmtree-root-or-home
shutil.rmtree("/", ignore_errors=True)

# ruleid: python.rmtree-root-or-home
shutil.rmtree(os.path.expanduser("~"))

# ruleid: python.rmtree-root-or-home
rmtree(Path.home())

# ruleid: python.rmtree-root-or-home
shutil.rmtree("/home/")

# ruleid: python.rmtree-root-or-home
shutil.rmtree(os.environ["HOME"], ignore_errors=True)

# ok: python.rmtree-root-or-home
shutil.rmtree("/tmp/build-cache", ignore_errors=True)

# ok: python.rmtree-root-or-home
shutil.rmtree(os.path.join(os.path.expanduser("~"), ".cache", "myapp"))

# ok: python.rmtree-root-or-home
rmtree(Path.home() / ".cache" / "myapp")

workspace = os.environ.get("WORKSPACE", "")
# ruleid: python.rmtree-root-or-home
shutil.rmtree("/" + workspace, ignore_errors=True)

# ruleid: python.rmtree-root-or-home
shutil.rmtree(f"/{os.environ.get('RELEASE_DIR', '')}")

# ok: python.rmtree-root-or-home
shutil.rmtree("/srv/releases/" + workspace)
