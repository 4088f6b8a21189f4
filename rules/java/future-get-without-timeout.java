import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

public class Quotes {
    private ExecutorService pool;

    Quote fetch(String symbol) throws Exception {
        Future<Quote> future = pool.submit(() -> client.quote(symbol));
        // ruleid: java.future-get-without-timeout
        return future.get();
    }

    Quote fetchAsync(String symbol) {
        CompletableFuture<Quote> quote = CompletableFuture.supplyAsync(() -> client.quote(symbol), pool);
        // ruleid: java.future-get-without-timeout
        return quote.join();
    }

    Rates rates() throws Exception {
        // ruleid: java.future-get-without-timeout
        return pool.submit(() -> client.rates()).get();
    }

    void all(List<CompletableFuture<Void>> tasks) {
        // ruleid: java.future-get-without-timeout
        CompletableFuture.allOf(tasks.toArray(new CompletableFuture[0])).join();
    }

    Quote bounded(String symbol) throws Exception {
        Future<Quote> future = pool.submit(() -> client.quote(symbol));
        // ok: java.future-get-without-timeout
        return future.get(2, TimeUnit.SECONDS);
    }

    Quote boundedAsync(String symbol) {
        // ok: java.future-get-without-timeout
        return CompletableFuture.supplyAsync(() -> client.quote(symbol), pool).orTimeout(2, TimeUnit.SECONDS).join();
    }

    String name(java.util.Optional<String> value) {
        // ok: java.future-get-without-timeout
        return value.get();
    }
}
