using System;
using System.Net.Http;
using Polly;
using Polly.Retry;

public class PaymentsClient
{
    private readonly HttpClient _client;

    public async Task<HttpResponseMessage> SendAsync(string url, HttpContent content)
    {
        // ruleid: csharp.retry-forever
        var policy = Policy.Handle<HttpRequestException>().RetryForeverAsync();
        return await policy.ExecuteAsync(() => _client.PostAsync(url, content));
    }

    public IAsyncPolicy Reconnect() =>
        // ruleid: csharp.retry-forever
        Policy.Handle<TimeoutException>().WaitAndRetryForeverAsync(attempt => TimeSpan.FromSeconds(1));

    public ResiliencePipeline Pipeline() =>
        new ResiliencePipelineBuilder()
            // ruleid: csharp.retry-forever
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = int.MaxValue, Delay = TimeSpan.FromSeconds(1) })
            .Build();

    public IAsyncPolicy Bounded() =>
        Policy.Handle<HttpRequestException>()
            // ok: csharp.retry-forever
            .WaitAndRetryAsync(5, attempt => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt)));

    public ResiliencePipeline BoundedPipeline() =>
        new ResiliencePipelineBuilder()
            // ok: csharp.retry-forever
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 4, BackoffType = DelayBackoffType.Exponential, UseJitter = true })
            .Build();
}
