import java.io.IOException;

public class Thumbnailer {
    public Process resize(String file) throws IOException {
        // ruleid: java.command-injection
        return Runtime.getRuntime().exec("convert " + file + " -resize 200x200 thumb.png");
    }

    public Process grep(String pattern) throws IOException {
        // ruleid: java.command-injection
        return new ProcessBuilder("sh", "-c", "grep -r " + pattern + " /var/log/app").start();
    }

    public Process resizeOk(String file) throws IOException {
        // ok: java.command-injection
        return new ProcessBuilder("convert", file, "-resize", "200x200", "thumb.png").start();
    }

    public Process uptime() throws IOException {
        // ok: java.command-injection
        return Runtime.getRuntime().exec(new String[]{"uptime"});
    }
}
