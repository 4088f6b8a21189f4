public class Audit
{
    public AuditEntry Create(string user)
    {
        // ruleid: csharp.datetime-now
        return new AuditEntry(user, DateTime.Now);
    }

    public bool IsExpired(Token t)
    {
        // ruleid: csharp.datetime-now
        return t.ExpiresAt < DateTime.Today;
    }

    public AuditEntry CreateOk(string user)
    {
        // ok: csharp.datetime-now
        return new AuditEntry(user, DateTime.UtcNow);
    }

    public bool IsExpiredOk(Token t)
    {
        // ok: csharp.datetime-now
        return t.ExpiresAt < DateTimeOffset.UtcNow;
    }
}
