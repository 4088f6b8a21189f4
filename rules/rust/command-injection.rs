use std::process::Command;

fn thumbnail(file: &str) -> std::io::Result<std::process::Output> {
    // ruleid: rust.command-injection
    Command::new("sh").arg("-c").arg(format!("convert uploads/{} -resize 200x200 thumbs/{}", file, file)).output()
}

fn archive(dir: &str) -> std::io::Result<std::process::ExitStatus> {
    let cmd = format!("tar czf /backups/{dir}.tgz /srv/{dir}");
    // ruleid: rust.command-injection
    Command::new("bash").args(["-c", &cmd]).status()
}

fn thumbnail_ok(file: &str) -> std::io::Result<std::process::Output> {
    // ok: rust.command-injection
    Command::new("convert").arg(format!("uploads/{file}")).args(["-resize", "200x200"]).arg(format!("thumbs/{file}")).output()
}

fn uptime() -> std::io::Result<std::process::Output> {
    // ok: rust.command-injection
    Command::new("sh").arg("-c").arg("uptime && df -h").output()
}
