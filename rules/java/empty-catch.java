import java.sql.Connection;
import java.sql.SQLException;

public class OrderService {
    public void save(Connection conn, Order order) {
        // ruleid: java.empty-catch
        try {
            repo.insert(conn, order);
        } catch (SQLException e) {
        }
    }

    public void notifyUser(Order order) {
        // ruleid: java.empty-catch
        try {
            mailer.send(order.email(), "receipt");
        } catch (Exception ignored) {
        }
    }

    public void saveOk(Connection conn, Order order) {
        // ok: java.empty-catch
        try {
            repo.insert(conn, order);
        } catch (SQLException e) {
            log.error("insert failed for order {}", order.id(), e);
            throw new IllegalStateException(e);
        }
    }

    public int parse(String s) {
        // ok: java.empty-catch
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
