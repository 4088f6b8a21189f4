fn total(lines: &[Line]) -> f64 {
    // ruleid: rust.float-money
    lines.iter().map(|l| l.price.parse::<f64>().unwrap_or(0.0) * l.qty as f64).sum()
}

fn refund(order: &Order) -> f64 {
    // ruleid: rust.float-money
    let amount: f64 = 0.0;
    // ruleid: rust.float-money
    amount + order.total_cents_before_tax as f64 / 100.0 + order.fee as f64
}

fn total_ok(lines: &[Line]) -> Decimal {
    // ok: rust.float-money
    lines.iter().map(|l| Decimal::from_str(&l.price).unwrap_or_default() * Decimal::from(l.qty)).sum()
}

fn ratio(done: u64, job: &Job) -> f64 {
    // ok: rust.float-money
    done as f64 / job.item_count as f64
}
