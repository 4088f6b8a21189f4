using System;
using System.Threading.Tasks;

public class OrderService
{
    // ruleid: csharp.async-void
    public async void SaveOrder(Order order)
    {
        await _db.Orders.AddAsync(order);
        await _db.SaveChangesAsync();
    }

    // ruleid: csharp.async-void
    private async void RefreshCache()
    {
        _cache = await _client.GetFromJsonAsync<Catalog>("/catalog");
    }

    // ok: csharp.async-void
    public async Task SaveOrderAsync(Order order)
    {
        await _db.Orders.AddAsync(order);
        await _db.SaveChangesAsync();
    }

    // ok: csharp.async-void
    private async void OnSaveClicked(object sender, EventArgs e)
    {
        await SaveOrderAsync(_current);
    }

    // ok: csharp.async-void
    private async void Timer_Elapsed(object? sender, System.Timers.ElapsedEventArgs e)
    {
        await RefreshAsync();
    }
}
