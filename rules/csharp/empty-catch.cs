using System;

public class OrderService
{
    public void Save(Order order)
    {
        // ruleid: csharp.empty-catch
        try
        {
            _repo.Insert(order);
        }
        catch (Exception ex)
        {
        }
    }

    public void Notify(Order order)
    {
        // ruleid: csharp.empty-catch
        try { _mailer.Send(order.Email); } catch { }
    }

    public void SaveOk(Order order)
    {
        // ok: csharp.empty-catch
        try
        {
            _repo.Insert(order);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "insert failed for {OrderId}", order.Id);
            throw;
        }
    }

    public int Parse(string s)
    {
        // ok: csharp.empty-catch
        try { return int.Parse(s); } catch (FormatException) { return 0; }
    }
}
