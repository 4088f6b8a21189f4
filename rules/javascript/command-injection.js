const { exec, execSync, execFile } = require("child_process");
const child_process = require("child_process");

function checkoutBranch(branch) {
  // ruleid: javascript.command-injection
  execSync(`git checkout ${branch}`, { stdio: "inherit" });
}

function thumbnail(file, cb) {
  // ruleid: javascript.command-injection
  exec("convert " + file + " -resize 200x200 thumb.png", cb);
}

function grep(pattern) {
  // ruleid: javascript.command-injection
  return child_process.spawn("sh", ["-c", `grep -r ${pattern} /var/log/app`]);
}

function checkoutBranchOk(branch) {
  // ok: javascript.command-injection
  execFile("git", ["checkout", branch], { timeout: 30000 }, () => {});
}

function diskUsage(cb) {
  // ok: javascript.command-injection
  exec("df -h", cb);
}
