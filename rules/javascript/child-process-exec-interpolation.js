const cp = require("child_process");
const { execSync, execFile } = require("child_process");

function a(branch) {
  // ruleid: javascript.child-process-exec-interpolation
  cp.exec(`git checkout ${branch}`, () => {});
  // ruleid: javascript.child-process-exec-interpolation
  execSync("rm -rf " + branch);
  // ok: javascript.child-process-exec-interpolation
  execFile("git", ["checkout", branch], () => {});
  // ok: javascript.child-process-exec-interpolation
  execSync("git status");
}
