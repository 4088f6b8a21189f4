import java.security.cert.X509Certificate;
import javax.net.ssl.*;

public class InsecureSsl {
    static TrustManager[] trustAll = new TrustManager[] {
        new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) { }
            // ruleid: java.trust-all-certificates
            public void checkServerTrusted(X509Certificate[] chain, String authType) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }
    };

    static void install() {
        // ruleid: java.trust-all-certificates
        HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> true);
    }

    static class Pinning implements X509TrustManager {
        public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        // ok: java.trust-all-certificates
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }
        public X509Certificate[] getAcceptedIssuers() { return delegate.getAcceptedIssuers(); }
    }

    static void installOk() {
        // ok: java.trust-all-certificates
        HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> host.endsWith(".example.com"));
    }
}
