import java.sql.*;
import javax.sql.DataSource;

public class Reports {
    private final DataSource ds;

    public int count(String table) throws SQLException {
        // ruleid: java.jdbc-connection-leak
        Connection conn = ds.getConnection();
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM orders");
        rs.next();
        int n = rs.getInt(1);
        conn.close();
        return n;
    }

    public void legacy(String url) throws SQLException {
        // ruleid: java.jdbc-connection-leak
        Connection conn = DriverManager.getConnection(url, "app", System.getenv("DB_PASSWORD"));
        conn.createStatement().execute("SELECT 1");
    }

    public int countOk() throws SQLException {
        // ok: java.jdbc-connection-leak
        try (Connection conn = ds.getConnection();
             Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    public void legacyOk(String url) throws SQLException {
        // ok: java.jdbc-connection-leak
        Connection conn = DriverManager.getConnection(url, "app", System.getenv("DB_PASSWORD"));
        try {
            conn.createStatement().execute("SELECT 1");
        } finally {
            conn.close();
        }
    }
}
