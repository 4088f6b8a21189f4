using System.Net;
using System.Net.Http;

public static class Clients
{
    public static HttpClient Insecure()
    {
        var handler = new HttpClientHandler();
        // ruleid: csharp.cert-validation-disabled
        handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => true;
        return new HttpClient(handler);
    }

    public static void Global()
    {
        // ruleid: csharp.cert-validation-disabled
        ServicePointManager.ServerCertificateValidationCallback = (sender, cert, chain, errors) => true;
    }

    public static HttpClient Pinned()
    {
        var handler = new HttpClientHandler();
        // ok: csharp.cert-validation-disabled
        handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => errors == System.Net.Security.SslPolicyErrors.None;
        return new HttpClient(handler);
    }

    public static HttpClient Default()
    {
        // ok: csharp.cert-validation-disabled
        return new HttpClient(new HttpClientHandler());
    }
}
