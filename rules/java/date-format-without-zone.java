import java.text.SimpleDateFormat;
import java.time.*;
import java.util.Date;
import java.util.TimeZone;

public class Stamps {
    public String stamp() {
        // ruleid: java.date-format-without-zone
        SimpleDateFormat fmt = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
        return fmt.format(new Date());
    }

    public LocalDateTime createdAt() {
        // ruleid: java.date-format-without-zone
        return LocalDateTime.now();
    }

    public String stampOk() {
        // ok: java.date-format-without-zone
        SimpleDateFormat fmt = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ssX");
        fmt.setTimeZone(TimeZone.getTimeZone("UTC"));
        return fmt.format(new Date());
    }

    public Instant createdAtOk() {
        // ok: java.date-format-without-zone
        return Instant.now();
    }
}
