using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Dapper;

public class OrderMaintenance
{
    private readonly ShopContext _db;
    private readonly SqlConnection _conn;

    public async Task ClearAsync()
    {
        // ruleid: csharp.sql-destructive-statement
        await _db.Database.ExecuteSqlRawAsync("TRUNCATE TABLE \"Orders\"");
        // ruleid: csharp.sql-destructive-statement
        await _db.Database.ExecuteSqlRawAsync(@"DELETE FROM [dbo].[OrderLines]");
    }

    public void DropLegacy()
    {
        // ruleid: csharp.sql-destructive-statement
        using var cmd = new SqlCommand("DROP TABLE IF EXISTS LegacyOrders", _conn);
        cmd.ExecuteNonQuery();
    }

    public void ResetBalances()
    {
        using var cmd = _conn.CreateCommand();
        // ruleid: csharp.sql-destructive-statement
        cmd.CommandText = "UPDATE Accounts SET Balance = 0";
        cmd.ExecuteNonQuery();
    }

    public async Task Stacked()
    {
        var sql = "SELECT 1; /* cleanup */ DELETE FROM Sessions;";
        // ruleid: csharp.sql-destructive-statement
        await _conn.ExecuteAsync(sql);
    }

    public async Task<int> PurgeOld(DateTime cutoff)
    {
        // ok: csharp.sql-destructive-statement
        return await _db.Database.ExecuteSqlRawAsync("DELETE FROM \"Orders\" WHERE \"CreatedAt\" < {0}", cutoff);
    }

    public void Rename(int id, string name)
    {
        using var cmd = _conn.CreateCommand();
        // ok: csharp.sql-destructive-statement
        cmd.CommandText = "UPDATE Accounts SET Name = @name WHERE Id = @id";
        cmd.Parameters.AddWithValue("@name", name);
        cmd.ExecuteNonQuery();
    }

    public async Task<IEnumerable<Order>> Recent()
    {
        // ok: csharp.sql-destructive-statement
        return await _conn.QueryAsync<Order>("SELECT * FROM Orders WHERE CreatedAt > @since", new { since = DateTime.UtcNow.AddDays(-1) });
    }
}

public class Logging
{
    public void Explain(ILogger log)
    {
        var sql = "DELETE FROM Sessions";
        // ok: csharp.sql-destructive-statement
        log.LogWarning(sql);
    }
}

public class Interpolated
{
    public async Task DeactivateAll(ShopContext db, int id)
    {
        // ruleid: csharp.sql-destructive-statement
        await db.Database.ExecuteSqlAsync($"UPDATE Users SET IsActive = 0");
        // ok: csharp.sql-destructive-statement
        await db.Database.ExecuteSqlAsync($"UPDATE Users SET IsActive = 0 WHERE Id = {id}");
        // ok: csharp.sql-destructive-statement
        await db.Database.ExecuteSqlRawAsync("DELETE FROM Users" + " WHERE Id = {0}", id);
    }
}
