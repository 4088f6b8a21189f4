public class Invoicing
{
    public double Total(Order order)
    {
        // ruleid: csharp.double-money
        double total = 0;
        foreach (var line in order.Lines)
        {
            // ruleid: csharp.double-money
            total += (double)line.UnitPrice * line.Quantity;
        }
        return total;
    }

    public decimal TotalOk(Order order)
    {
        // ok: csharp.double-money
        decimal total = 0m;
        foreach (var line in order.Lines)
        {
            total += line.UnitPrice * line.Quantity;
        }
        return total;
    }

    public double Progress(Job job)
    {
        // ok: csharp.double-money
        return (double)job.DoneCount / job.ItemCount;
    }
}
