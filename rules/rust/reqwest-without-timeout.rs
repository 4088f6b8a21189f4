use std::time::Duration;

async fn rates() -> reqwest::Result<String> {
    // ruleid: rust.reqwest-without-timeout
    reqwest::get("https://fx.example.com/rates").await?.text().await
}

fn client() -> reqwest::Client {
    // ruleid: rust.reqwest-without-timeout
    reqwest::Client::new()
}

fn client_ok() -> reqwest::Client {
    // ok: rust.reqwest-without-timeout
    reqwest::Client::builder().timeout(Duration::from_secs(10)).connect_timeout(Duration::from_secs(3)).build().unwrap()
}

async fn rates_ok(c: &reqwest::Client) -> reqwest::Result<String> {
    // ok: rust.reqwest-without-timeout
    c.get("https://fx.example.com/rates").send().await?.text().await
}
