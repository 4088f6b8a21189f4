use chrono::{Local, NaiveDateTime, Utc};

fn stamp(order: &mut Order) {
    // ruleid: rust.local-time
    order.created_at = Local::now().to_rfc3339();
}

fn parse_deadline(s: &str) -> chrono::ParseResult<NaiveDateTime> {
    // ruleid: rust.local-time
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
}

fn stamp_ok(order: &mut Order) {
    // ok: rust.local-time
    order.created_at = Utc::now().to_rfc3339();
}

fn parse_deadline_ok(s: &str) -> chrono::ParseResult<DateTime<FixedOffset>> {
    // ok: rust.local-time
    DateTime::parse_from_rfc3339(s)
}
