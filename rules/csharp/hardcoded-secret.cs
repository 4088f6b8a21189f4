public class Db
{
    // ruleid: csharp.hardcoded-secret
    private readonly SqlConnection _conn = new SqlConnection("Server=prod-sql.internal;Database=Shop;User Id=sa;Password=Qx7!mZ2pLr9#Tv4;");

    // ruleid: csharp.hardcoded-secret
    private const string ApiKey = "sk_live_51MzQ8pLr2Xv7Tn4Kb9Wc3Hd6Fg1Sj0Ae5Uy8Io";

    public Client Build()
    {
        var options = new ClientOptions();
        // ruleid: csharp.hardcoded-secret
        options.ClientSecret = "q8R!v2Lm9Tz4Xw7P";
        return new Client(options);
    }

    // ok: csharp.hardcoded-secret
    private readonly string _cs = "Server=localhost;Database=Shop;Trusted_Connection=True;";

    // ok: csharp.hardcoded-secret
    private readonly string _fromConfig = Environment.GetEnvironmentVariable("SHOP_DB_PASSWORD");

    // ok: csharp.hardcoded-secret
    private readonly string _template = "Server=db;Database=Shop;User Id=app;Password={0};";
}
