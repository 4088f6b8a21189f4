using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;

public class UserRepo
{
    public SqlDataReader Find(SqlConnection conn, string email)
    {
        // ruleid: csharp.sql-injection
        var cmd = new SqlCommand($"SELECT * FROM Users WHERE Email = '{email}'", conn);
        return cmd.ExecuteReader();
    }

    public void Deactivate(ShopContext db, string id)
    {
        // ruleid: csharp.sql-injection
        db.Database.ExecuteSqlRaw("UPDATE Users SET Active = 0 WHERE Id = " + id);
    }

    public SqlDataReader FindOk(SqlConnection conn, string email)
    {
        // ok: csharp.sql-injection
        var cmd = new SqlCommand("SELECT * FROM Users WHERE Email = @email", conn);
        cmd.Parameters.AddWithValue("@email", email);
        return cmd.ExecuteReader();
    }

    public void DeactivateOk(ShopContext db, string id)
    {
        // ok: csharp.sql-injection
        db.Database.ExecuteSqlInterpolated($"UPDATE Users SET Active = 0 WHERE Id = {id}");
    }

    private const string Columns = "Id, Email, CreatedAt";

    public SqlDataReader ByTable(SqlConnection conn, string table, string column, string value)
    {
        // ruleid: csharp.sql-injection
        var cmd = new SqlCommand("SELECT * FROM " + table + " WHERE " + column + " = '" + value + "'", conn);
        return cmd.ExecuteReader();
    }

    public SqlDataReader Filtered(SqlConnection conn, string status, string region)
    {
        var sql = "SELECT * FROM Orders WHERE 1=1";
        sql += " AND Status = '" + status + "'";
        sql += " AND Region = '" + region + "'";
        // ruleid: csharp.sql-injection
        using var cmd = new SqlCommand(sql, conn);
        return cmd.ExecuteReader();
    }

    public IEnumerable<User> Dapper(IDbConnection conn, string name)
    {
        // ruleid: csharp.sql-injection
        return conn.Query<User>($"SELECT * FROM Users WHERE Name = '{name}'");
    }

    public SqlDataReader ColumnsOk(SqlConnection conn, int id)
    {
        // ok: csharp.sql-injection
        var cmd = new SqlCommand("SELECT " + Columns + " FROM Users WHERE Id = @id", conn);
        cmd.Parameters.AddWithValue("@id", id);
        return cmd.ExecuteReader();
    }

    public SqlDataReader SortedOk(SqlConnection conn, bool desc)
    {
        // ok: csharp.sql-injection
        var cmd = new SqlCommand("SELECT * FROM Users ORDER BY CreatedAt " + (desc ? "DESC" : "ASC"), conn);
        return cmd.ExecuteReader();
    }
}
