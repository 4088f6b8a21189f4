// ruleid: rust.hardcoded-secret
const SLACK_TOKEN: &str = "xoxb-2841937562-4418392715264-Hk3Lp9Qm2Xv7Rt4Zb8Nc6Yd1";

// ruleid: rust.hardcoded-secret
const DB_PASSWORD: &str = "n7Qv!x2Lp9Rz4Tw8";

fn client() -> Client {
    // ruleid: rust.hardcoded-secret
    let api_key = "sk-proj-4f9X2mQ7vL1pR8tZ3wK6yB0nH5cJ9dA2eG7sU1";
    Client::new(api_key)
}

// ok: rust.hardcoded-secret
const TOKEN_HEADER: &str = "Authorization";

fn client_ok() -> Client {
    // ok: rust.hardcoded-secret
    let api_key = std::env::var("OPENAI_API_KEY").expect("OPENAI_API_KEY");
    Client::new(&api_key)
}
