using System.Threading;
using System.Threading.Tasks;

public class Poller
{
    public async Task PollAsync(IJobClient client, string id)
    {
        while (true)
        {
            var status = await client.StatusAsync(id);
            if (status == "done") return;
            // ruleid: csharp.blocking-in-async
            Thread.Sleep(2000);
        }
    }

    public async Task<string> LoadAsync(IStore store)
    {
        // ruleid: csharp.blocking-in-async
        var data = store.ReadAsync().Result;
        return data;
    }

    public async Task PollOkAsync(IJobClient client, string id)
    {
        // ok: csharp.blocking-in-async
        await Task.Delay(2000);
    }

    public void SyncWorker()
    {
        // ok: csharp.blocking-in-async
        Thread.Sleep(5000);
    }
}
