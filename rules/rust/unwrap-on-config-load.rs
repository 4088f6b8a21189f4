use std::fs;

fn load_features(path: &str) -> Features {
    // ruleid: rust.unwrap-on-config-load
    let text = std::fs::read_to_string(path).unwrap();
    // ruleid: rust.unwrap-on-config-load
    let features: Features = serde_json::from_str(&text).unwrap();
    features
}

pub fn load() -> Config {
    // ruleid: rust.unwrap-on-config-load
    let raw = fs::read_to_string("/etc/app/config.toml").expect("config file");
    // ruleid: rust.unwrap-on-config-load
    toml::from_str(&raw).expect("valid config")
}

fn main() {
    // ruleid: rust.unwrap-on-config-load
    let bytes = std::fs::read("/var/lib/edge/rules.bin").unwrap();
    // ruleid: rust.unwrap-on-config-load
    let rules = Rules::decode(&bytes).unwrap();
    serve(rules);
}

pub fn load_ok(path: &Path) -> anyhow::Result<Config> {
    // ok: rust.unwrap-on-config-load
    let raw = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    // ok: rust.unwrap-on-config-load
    let config: Config = toml::from_str(&raw).context("parsing config")?;
    Ok(config)
}

static SKU_RE: LazyLock<Regex> = LazyLock::new(|| {
    // ok: rust.unwrap-on-config-load
    Regex::new(r"^[A-Z]{3}-\d{4}$").unwrap()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_default() {
        // ok: rust.unwrap-on-config-load
        let config: Config = toml::from_str(DEFAULT).unwrap();
        assert_eq!(config.port, 8080);
    }
}
