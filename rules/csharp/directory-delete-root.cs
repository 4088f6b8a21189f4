public class Cleanup
{
    public void Run(string releaseDir)
    {
        // ruleid: csharp.directory-delete-root
        Directory.Delete($"/{releaseDir}", true);
        // ruleid: csharp.directory-delete-root
        Directory.Delete(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), recursive: true);
        // ruleid: csharp.directory-delete-root
        Directory.Delete(@"C:\", true);
    }

    public void RunOk(string buildId)
    {
        // ok: csharp.directory-delete-root
        Directory.Delete(Path.Combine(Path.GetTempPath(), "build-" + buildId), true);
        // ok: csharp.directory-delete-root
        Directory.Delete("/var/cache/myapp/thumbs", true);
    }
}
