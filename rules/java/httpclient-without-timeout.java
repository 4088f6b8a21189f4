import java.net.http.HttpClient;
import java.time.Duration;

public class Clients {
    // ruleid: java.httpclient-without-timeout
    private static final HttpClient DEFAULT = HttpClient.newHttpClient();

    // ruleid: java.httpclient-without-timeout
    private static final HttpClient FOLLOWING = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    // ok: java.httpclient-without-timeout
    private static final HttpClient OK = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    // ok: java.httpclient-without-timeout
    private static final HttpClient OK2 = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
}
