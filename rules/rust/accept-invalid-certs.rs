use std::time::Duration;

fn client() -> reqwest::Client {
    let builder = reqwest::Client::builder().timeout(Duration::from_secs(10));
    // ruleid: rust.accept-invalid-certs
    builder.danger_accept_invalid_certs(true).build().unwrap()
}

fn client2() -> reqwest::Client {
    // ruleid: rust.accept-invalid-certs
    reqwest::Client::builder().danger_accept_invalid_hostnames(true).build().unwrap()
}

fn client_ok(ca: reqwest::Certificate) -> reqwest::Client {
    let builder = reqwest::Client::builder().timeout(Duration::from_secs(10));
    // ok: rust.accept-invalid-certs
    builder.add_root_certificate(ca).build().unwrap()
}

fn client_ok2() -> reqwest::Client {
    // ok: rust.accept-invalid-certs
    reqwest::Client::builder().danger_accept_invalid_certs(false).build().unwrap()
}
