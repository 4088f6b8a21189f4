public class ConvertController : ControllerBase
{
    [HttpPost("convert")]
    public IActionResult Convert([FromQuery] string file)
    {
        // ruleid: csharp.command-injection
        Process.Start("cmd.exe", "/c convert " + file + " out.pdf");
        return Ok();
    }

    public void Archive(string dir)
    {
        var psi = new ProcessStartInfo("/bin/bash")
        {
            // ruleid: csharp.command-injection
            Arguments = $"-c \"tar czf /backups/{dir}.tgz /srv/{dir}\"",
            UseShellExecute = false,
        };
        Process.Start(psi);
    }

    public void ConvertOk(string file)
    {
        var psi = new ProcessStartInfo("convert") { UseShellExecute = false };
        // ok: csharp.command-injection
        psi.ArgumentList.Add(file);
        psi.ArgumentList.Add("out.pdf");
        Process.Start(psi);
    }

    public void Uptime()
    {
        // ok: csharp.command-injection
        Process.Start("/bin/sh", "-c uptime");
    }
}
