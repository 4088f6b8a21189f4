async fn find(pool: &PgPool, name: &str, city: &str) -> sqlx::Result<Vec<User>> {
    let sql = format!("SELECT * FROM users WHERE name = '{}' AND city = '{}'", name, city);
    // ruleid: rust.sql-format-injection
    sqlx::query_as::<_, User>(&sql).fetch_all(pool).await
}

fn delete_order(client: &mut postgres::Client, id: &str) -> Result<u64, postgres::Error> {
    // ruleid: rust.sql-format-injection
    client.execute(&format!("DELETE FROM orders WHERE id = {}", id), &[])
}

async fn search(pool: &PgPool, term: &str) -> sqlx::Result<Vec<PgRow>> {
    // ruleid: rust.sql-format-injection
    sqlx::query(&format!("SELECT * FROM products WHERE name LIKE '%{term}%'")).fetch_all(pool).await
}

async fn find_ok(pool: &PgPool, name: &str, city: &str) -> sqlx::Result<Vec<User>> {
    // ok: rust.sql-format-injection
    sqlx::query_as::<_, User>("SELECT * FROM users WHERE name = $1 AND city = $2")
        .bind(name)
        .bind(city)
        .fetch_all(pool)
        .await
}

fn log_line(out: &mut impl Write, id: &str) -> std::io::Result<()> {
    // ok: rust.sql-format-injection
    out.write_all(&format!("processed order {}", id).into_bytes())
}
