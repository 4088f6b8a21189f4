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
}
