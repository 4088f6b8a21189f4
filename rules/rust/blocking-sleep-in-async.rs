use std::thread;
use std::time::Duration;

async fn poll(client: &Client, id: &str) {
    loop {
        if client.status(id).await == "done" {
            return;
        }
        // ruleid: rust.blocking-sleep-in-async
        thread::sleep(Duration::from_secs(2));
    }
}

async fn load() -> String {
    // ruleid: rust.blocking-sleep-in-async
    std::fs::read_to_string("/etc/app/config.toml").unwrap()
}

async fn poll_ok(client: &Client, id: &str) {
    // ok: rust.blocking-sleep-in-async
    tokio::time::sleep(Duration::from_secs(2)).await;
}

fn worker() {
    // ok: rust.blocking-sleep-in-async
    thread::sleep(Duration::from_secs(5));
}
