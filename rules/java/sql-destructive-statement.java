package com.acme.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.jdbc.core.JdbcTemplate;

public class AuditStore {
    private final Connection conn;
    private final JdbcTemplate jdbc;

    public void recreate() throws SQLException {
        try (Statement st = conn.createStatement()) {
            // ruleid: java.sql-destructive-statement
            st.executeUpdate("DROP TABLE IF EXISTS audit_events");
            // ok: java.sql-destructive-statement
            st.executeUpdate("CREATE TABLE audit_events (id BIGSERIAL PRIMARY KEY, body JSONB)");
        }
    }

    public void clear() {
        // ruleid: java.sql-destructive-statement
        jdbc.execute("TRUNCATE TABLE audit_events");
        // ruleid: java.sql-destructive-statement
        jdbc.update("DELETE FROM audit_events");
    }

    public void stackedAndCommented() throws SQLException {
        Statement st = conn.createStatement();
        // ruleid: java.sql-destructive-statement
        st.execute("SELECT 1; /* tidy */ DROP TABLE sessions;");
        String sql = """
            UPDATE accounts
               SET balance = 0
            """;
        // ruleid: java.sql-destructive-statement
        st.executeUpdate(sql);
    }

    public int purgeOld(long cutoff) throws SQLException {
        // ok: java.sql-destructive-statement
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM audit_events WHERE created_at < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        }
    }

    public void rename(long id, String name) {
        // ok: java.sql-destructive-statement
        jdbc.update("UPDATE users SET name = ? WHERE id = ?", name, id);
    }

    @BeforeEach
    void cleanTables() {
        // ok: java.sql-destructive-statement
        jdbc.execute("TRUNCATE TABLE audit_events");
    }
}
