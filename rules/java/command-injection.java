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

class Converter {
    void convert(HttpServletRequest req) throws IOException {
        String file = req.getParameter("file");
        // ruleid: java.command-injection
        Runtime.getRuntime().exec(new String[] {"sh", "-c", "convert /uploads/" + file + " /thumbs/" + file});
    }

    private static final String LOG_DIR = "/var/log/app";

    Process tail() throws IOException {
        // ok: java.command-injection
        return new ProcessBuilder("sh", "-c", "tail -n 100 " + LOG_DIR + "/app.log").start();
    }

    Process copy(String src) throws IOException {
        // ok: java.command-injection
        return new ProcessBuilder("cp", src, src + ".bak").start();
    }
}
