use std::fs;

fn clear_cache() -> std::io::Result<()> {
    let dir = format!("/{}", std::env::var("CACHE_DIR").unwrap_or_default());
    // ruleid: rust.remove-dir-all-root
    std::fs::remove_dir_all(&dir)?;
    // ruleid: rust.remove-dir-all-root
    fs::remove_dir_all("/")?;
    // ruleid: rust.remove-dir-all-root
    fs::remove_dir_all(dirs::home_dir().unwrap())?;
    Ok(())
}

fn clear_cache_ok(base: &Path) -> std::io::Result<()> {
    // ok: rust.remove-dir-all-root
    fs::remove_dir_all(base.join("cache"))?;
    // ok: rust.remove-dir-all-root
    fs::remove_dir_all("/tmp/build-artifacts")?;
    let dir = format!("/var/cache/myapp/{}", "thumbs");
    // ok: rust.remove-dir-all-root
    fs::remove_dir_all(&dir)
}
