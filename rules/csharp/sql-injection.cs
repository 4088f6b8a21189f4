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

class MigrationIdentifiers
{
    void Up(SqlConnection conn, string tablePrefix, string tableName, string schema, string name, int id)
    {
        // ok: csharp.sql-injection
        var a = new SqlCommand($"ALTER TABLE {tablePrefix}Users ADD Age int", conn);
        // ok: csharp.sql-injection
        var b = new SqlCommand($"DELETE FROM [{schema}].[{tableName}] WHERE Id = @id", conn);
        // ok: csharp.sql-injection
        var c = new SqlCommand($"UPDATE \"{tableName}\" SET \"Name\" = @name", conn);
        // ruleid: csharp.sql-injection
        var q = new SqlCommand($"SELECT * FROM {Request.Query.Table} WHERE Id = @id", conn);
        // ruleid: csharp.sql-injection
        var d = new SqlCommand($"DELETE FROM {tableName} WHERE Id = {id}", conn);
        // ruleid: csharp.sql-injection
        var e = new SqlCommand($"SELECT * FROM {tableName} WHERE Name = '{name}'", conn);
        // ruleid: csharp.sql-injection
        var f = new SqlCommand($"SELECT * FROM {tableName} WHERE Name LIKE '%{name}%'", conn);
        // ruleid: csharp.sql-injection
        var g = new SqlCommand($"SELECT TOP {id} * FROM {tableName}", conn);
        // ruleid: csharp.sql-injection
        var h = new SqlCommand($"SELECT * FROM {tableName} WHERE Id IN ({name})", conn);
        // ruleid: csharp.sql-injection
        var i = new SqlCommand($"SELECT * FROM {tableName} WHERE Name = \"{name}\"", conn);
        // ruleid: csharp.sql-injection
        var j = new SqlCommand($"SELECT * FROM {tableName(name)} WHERE Id = 1", conn);
    }
}
