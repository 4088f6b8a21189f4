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

const outDir = process.env.OUT_DIR || os.homedir();
// ruleid: javascript.rm-root-or-home
fs.rmSync(outDir, { recursive: true, force: true });

// ruleid: javascript.rm-root-or-home
fs.rmSync("/" + process.env.RELEASE_DIR, { recursive: true, force: true });

const cacheDir = process.env.CACHE_DIR || path.join(os.tmpdir(), "myapp-cache");
// ok: javascript.rm-root-or-home
fs.rmSync(cacheDir, { recursive: true, force: true });

async function resetState() {
  const { rm } = require("node:fs/promises");
  const { homedir } = require("node:os");
  // ruleid: javascript.rm-root-or-home
  await rm(homedir(), { recursive: true, force: true });
  // ruleid: javascript.rm-root-or-home
  fs.rmSync(process.cwd(), { recursive: true, force: true });
  // ruleid: javascript.rm-root-or-home
  fs.rmSync(path.resolve(os.homedir()), { recursive: true });
  // ruleid: javascript.rm-root-or-home
  fs.rmSync(".", { recursive: true, force: true });
  const home = os.homedir();
  // ruleid: javascript.rm-root-or-home
  fs.rmSync(home, { recursive: true, force: true });
  // ok: javascript.rm-root-or-home
  await rm(path.join(process.cwd(), ".cache", "build"), { recursive: true, force: true });
  // ok: javascript.rm-root-or-home
  await rm(path.join(homedir(), ".myapp", "cache"), { recursive: true, force: true });
  // ok: javascript.rm-root-or-home
  fs.rmSync("./dist", { recursive: true, force: true });
  const cacheDir = path.join(os.homedir(), ".cache", "myapp");
  // ok: javascript.rm-root-or-home
  fs.rmSync(cacheDir, { recursive: true, force: true });
}

function resetHome() {
  // ruleid: javascript.rm-root-or-home
  fs.rmSync(process.env.HOME, { recursive: true, force: true });
}
