using System.Net.Http;
using System.Threading.Tasks;

public class RatesService
{
    private static readonly HttpClient Shared = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    private readonly IHttpClientFactory _factory;

    public async Task<string> GetRatesAsync()
    {
        // ruleid: csharp.httpclient-per-request
        using (var client = new HttpClient())
        {
            return await client.GetStringAsync("https://fx.example.com/rates");
        }
    }

    public async Task<string> PingAsync()
    {
        // ruleid: csharp.httpclient-per-request
        using var client = new HttpClient();
        return await client.GetStringAsync("https://status.example.com/ping");
    }

    public async Task<string> GetRatesOkAsync()
    {
        // ok: csharp.httpclient-per-request
        return await Shared.GetStringAsync("https://fx.example.com/rates");
    }

    public async Task<string> PingOkAsync()
    {
        // ok: csharp.httpclient-per-request
        var client = _factory.CreateClient("status");
        return await client.GetStringAsync("/ping");
    }
}
