async fn reset(pool: &PgPool) -> sqlx::Result<()> {
    // ruleid: rust.destructive-sql
    sqlx::query("TRUNCATE TABLE events").execute(pool).await?;
    // ruleid: rust.destructive-sql
    sqlx::query("DELETE FROM sessions").execute(pool).await?;
    Ok(())
}

fn wipe(client: &mut postgres::Client) -> Result<(), postgres::Error> {
    // ruleid: rust.destructive-sql
    client.batch_execute("SELECT 1; DROP TABLE users;")
}

async fn expire(pool: &PgPool) -> sqlx::Result<()> {
    // ok: rust.destructive-sql
    sqlx::query("DELETE FROM sessions WHERE expires_at < now()").execute(pool).await?;
    Ok(())
}

fn archive(client: &mut postgres::Client) -> Result<u64, postgres::Error> {
    // ok: rust.destructive-sql
    client.execute("UPDATE orders SET archived = true WHERE created_at < now() - interval '1 year'", &[])
}
