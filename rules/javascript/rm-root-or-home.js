const fs = require("fs");
const os = require("os");
const path = require("path");
const { rimraf } = require("rimraf");

// ruleid: javascript.rm-root-or-home
fs.rmSync("/", { recursive: true, force: true });

// ruleid: javascript.rm-root-or-home
fs.rmSync(os.homedir(), { recursive: true, force: true });

async function clean() {
  // ruleid: javascript.rm-root-or-home
  await rimraf(process.env.HOME);
  // ruleid: javascript.rm-root-or-home
  await fs.promises.rm("/home/", { recursive: true });
}

// ok: javascript.rm-root-or-home
fs.rmSync(path.join(os.homedir(), ".cache", "myapp"), { recursive: true, force: true });

// ok: javascript.rm-root-or-home
fs.rmSync("/tmp/build-output", { recursive: true, force: true });
