import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

public class RatesClient {
    public int ping(String endpoint) throws Exception {
        URL url = new URL(endpoint);
        // ruleid: java.urlconnection-without-timeout
        HttpURLConnection conn = (HttpURLConnection) url.openConnection();
        conn.setRequestMethod("GET");
        return conn.getResponseCode();
    }

    public byte[] download(URL url) throws Exception {
        // ruleid: java.urlconnection-without-timeout
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    public int pingOk(String endpoint) throws Exception {
        URL url = new URL(endpoint);
        // ok: java.urlconnection-without-timeout
        HttpURLConnection conn = (HttpURLConnection) url.openConnection();
        conn.setConnectTimeout(3000);
        conn.setReadTimeout(10000);
        return conn.getResponseCode();
    }

    public String host(URL url) {
        // ok: java.urlconnection-without-timeout
        return url.getHost();
    }
}
