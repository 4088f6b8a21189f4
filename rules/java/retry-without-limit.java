import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import org.springframework.retry.policy.AlwaysRetryPolicy;
import org.springframework.retry.support.RetryTemplate;

public class Retries {
    RetryConfig forever() {
        // ruleid: java.retry-without-limit
        return RetryConfig.custom()
            .maxAttempts(Integer.MAX_VALUE)
            .waitDuration(Duration.ofSeconds(1))
            .build();
    }

    RetryTemplate template() {
        RetryTemplate template = new RetryTemplate();
        // ruleid: java.retry-without-limit
        template.setRetryPolicy(new AlwaysRetryPolicy());
        return template;
    }

    RetryConfig bounded() {
        // ok: java.retry-without-limit
        return RetryConfig.custom()
            .maxAttempts(3)
            .waitDuration(Duration.ofMillis(500))
            .build();
    }

    // ruleid: java.retry-without-limit
    @Retryable(retryFor = IOException.class, maxAttempts = Integer.MAX_VALUE)
    public Receipt submit(Order order) {
        return gateway.submit(order);
    }

    // ok: java.retry-without-limit
    @Retryable(retryFor = IOException.class, maxAttempts = 4, backoff = @Backoff(delay = 200, multiplier = 2))
    public Receipt submitBounded(Order order) {
        return gateway.submit(order);
    }
}
