using Microsoft.Data.SqlClient;
using Npgsql;

public class OrderQueries
{
    private readonly string _connectionString;

    public int CountOrders()
    {
        // ruleid: csharp.connection-not-disposed
        var conn = new SqlConnection(_connectionString);
        conn.Open();
        var cmd = new SqlCommand("SELECT COUNT(*) FROM Orders", conn);
        return (int)cmd.ExecuteScalar();
    }

    public async Task<long> CountUsers()
    {
        // ruleid: csharp.connection-not-disposed
        NpgsqlConnection conn = new NpgsqlConnection(_connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM users", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public int CountOrdersUsing()
    {
        // ok: csharp.connection-not-disposed
        using var conn = new SqlConnection(_connectionString);
        conn.Open();
        using var cmd = new SqlCommand("SELECT COUNT(*) FROM Orders", conn);
        return (int)cmd.ExecuteScalar();
    }

    public int CountOrdersBlock()
    {
        // ok: csharp.connection-not-disposed
        using (var conn = new SqlConnection(_connectionString))
        {
            conn.Open();
            using var cmd = new SqlCommand("SELECT COUNT(*) FROM Orders", conn);
            return (int)cmd.ExecuteScalar();
        }
    }

    public int CountOrdersFinally()
    {
        // ok: csharp.connection-not-disposed
        var conn = new SqlConnection(_connectionString);
        try
        {
            conn.Open();
            using var cmd = new SqlCommand("SELECT COUNT(*) FROM Orders", conn);
            return (int)cmd.ExecuteScalar();
        }
        finally
        {
            conn.Dispose();
        }
    }

    public SqlConnection Open()
    {
        // ok: csharp.connection-not-disposed
        var conn = new SqlConnection(_connectionString);
        conn.Open();
        return conn;
    }
}
