public class Exporter
{
    public async Task<byte[]> Export(string exportUrl)
    {
        // ruleid: csharp.infinite-timeout
        var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return await client.GetByteArrayAsync(exportUrl);
    }

    public int Purge(SqlConnection conn)
    {
        using var cmd = new SqlCommand("EXEC dbo.PurgeExpired", conn);
        // ruleid: csharp.infinite-timeout
        cmd.CommandTimeout = 0;
        return cmd.ExecuteNonQuery();
    }

    public async Task<byte[]> ExportOk(string exportUrl)
    {
        // ok: csharp.infinite-timeout
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await client.GetByteArrayAsync(exportUrl);
    }

    public int PurgeOk(SqlConnection conn)
    {
        using var cmd = new SqlCommand("EXEC dbo.PurgeExpired", conn);
        // ok: csharp.infinite-timeout
        cmd.CommandTimeout = 120;
        return cmd.ExecuteNonQuery();
    }
}
