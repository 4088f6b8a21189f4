public class CartStore
{
    public Cart Load(byte[] cookie)
    {
        var formatter = new BinaryFormatter();
        using var ms = new MemoryStream(cookie);
        // ruleid: csharp.unsafe-deserialization
        return (Cart)formatter.Deserialize(ms);
    }

    public object Import(string json)
    {
        var settings = new JsonSerializerSettings
        {
            // ruleid: csharp.unsafe-deserialization
            TypeNameHandling = TypeNameHandling.All,
        };
        return JsonConvert.DeserializeObject(json, settings);
    }

    public Cart LoadOk(string cookie)
    {
        // ok: csharp.unsafe-deserialization
        return JsonSerializer.Deserialize<Cart>(cookie);
    }

    public object ImportOk(string json)
    {
        // ok: csharp.unsafe-deserialization
        var settings = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.None };
        return JsonConvert.DeserializeObject<Cart>(json, settings);
    }
}
