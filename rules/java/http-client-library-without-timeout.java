public class Clients {
    String quotes() throws IOException {
        // ruleid: java.http-client-library-without-timeout
        OkHttpClient client = new OkHttpClient();
        Request request = new Request.Builder().url("https://api.partner.com/v1/quotes").build();
        try (Response response = client.newCall(request).execute()) {
            return response.body().string();
        }
    }

    String stock(String sku) throws IOException {
        // ruleid: java.http-client-library-without-timeout
        CloseableHttpClient http = HttpClients.createDefault();
        HttpGet get = new HttpGet("https://inventory.internal/api/stock/" + sku);
        try (CloseableHttpResponse resp = http.execute(get)) {
            return EntityUtils.toString(resp.getEntity());
        }
    }

    OkHttpClient okOk() {
        // ok: java.http-client-library-without-timeout
        return new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(10))
            .callTimeout(Duration.ofSeconds(15))
            .build();
    }

    CloseableHttpClient apacheOk() {
        RequestConfig config = RequestConfig.custom()
            .setConnectTimeout(Timeout.ofSeconds(2))
            .setResponseTimeout(Timeout.ofSeconds(10))
            .build();
        // ok: java.http-client-library-without-timeout
        return HttpClients.custom().setDefaultRequestConfig(config).build();
    }
}
