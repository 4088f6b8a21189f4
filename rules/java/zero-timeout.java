import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.apache.commons.dbcp2.BasicDataSource;

public class Clients {
    OkHttpClient longPoll() {
        // ruleid: java.zero-timeout
        return new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(0, TimeUnit.SECONDS)
            .build();
    }

    OkHttpClient streaming() {
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        // ruleid: java.zero-timeout
        builder.callTimeout(Duration.ZERO);
        return builder.build();
    }

    HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(20);
        // ruleid: java.zero-timeout
        config.setConnectionTimeout(0);
        return new HikariDataSource(config);
    }

    BasicDataSource dbcp(String url) {
        BasicDataSource ds = new BasicDataSource();
        ds.setUrl(url);
        // ruleid: java.zero-timeout
        ds.setMaxWaitMillis(-1);
        return ds;
    }

    OkHttpClient bounded() {
        return new OkHttpClient.Builder()
            // ok: java.zero-timeout
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(30, TimeUnit.SECONDS)
            .callTimeout(60, TimeUnit.SECONDS)
            .build();
    }

    HikariDataSource boundedPool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        // ok: java.zero-timeout
        config.setConnectionTimeout(3_000);
        return new HikariDataSource(config);
    }
}
