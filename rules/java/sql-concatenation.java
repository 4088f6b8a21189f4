import java.sql.*;

public class UserDao {
    public ResultSet find(Connection conn, String email) throws SQLException {
        Statement st = conn.createStatement();
        // ruleid: java.sql-concatenation
        return st.executeQuery("SELECT * FROM users WHERE email = '" + email + "'");
    }

    public int deactivate(Connection conn, String id) throws SQLException {
        String sql = String.format("UPDATE users SET active = false WHERE id = %s", id);
        // ruleid: java.sql-concatenation
        return conn.createStatement().executeUpdate(sql);
    }

    public ResultSet findOk(Connection conn, String email) throws SQLException {
        // ok: java.sql-concatenation
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE email = ?");
        ps.setString(1, email);
        return ps.executeQuery();
    }

    public int count(Connection conn) throws SQLException {
        // ok: java.sql-concatenation
        ResultSet rs = conn.createStatement().executeQuery("SELECT count(*) FROM users");
        rs.next();
        return rs.getInt(1);
    }
}

class ReportDao {
    private static final String COLUMNS = "id, email, created_at";

    ResultSet byTable(Connection conn, String table, String column, String value) throws SQLException {
        // ruleid: java.sql-concatenation
        return conn.createStatement().executeQuery("SELECT * FROM " + table + " WHERE " + column + " = '" + value + "'");
    }

    ResultSet filtered(Connection conn, String status, String region) throws SQLException {
        String sql = "SELECT * FROM orders WHERE 1=1";
        sql += " AND status = '" + status + "'";
        sql += " AND region = '" + region + "'";
        // ruleid: java.sql-concatenation
        return conn.createStatement().executeQuery(sql);
    }

    List<Map<String, Object>> fromBase(JdbcTemplate jdbc, String base, String name) {
        // ruleid: java.sql-concatenation
        return jdbc.queryForList(base + " WHERE name = '" + name + "'");
    }

    ResultSet columnsOk(Connection conn, long id) throws SQLException {
        // ok: java.sql-concatenation
        PreparedStatement ps = conn.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?");
        ps.setLong(1, id);
        return ps.executeQuery();
    }

    ResultSet sortedOk(Connection conn, boolean desc) throws SQLException {
        // ok: java.sql-concatenation
        return conn.createStatement().executeQuery("SELECT * FROM users ORDER BY created_at " + (desc ? "DESC" : "ASC"));
    }

    ResultSet splitOk(Connection conn, long id) throws SQLException {
        // ok: java.sql-concatenation
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users " + "WHERE id = ?");
        ps.setLong(1, id);
        return ps.executeQuery();
    }
}

class ConstantClauses {
    private static final Map<String, String> SORTS = Map.of("newest", "created_at DESC", "oldest", "created_at ASC");

    List<Post> sorted(JdbcTemplate jdbc, long authorId, String sort) {
        String sql = "SELECT * FROM posts WHERE author_id = ? ORDER BY " + SORTS.getOrDefault(sort, "created_at DESC");
        // ok: java.sql-concatenation
        return jdbc.query(sql, MAPPER, authorId);
    }

    List<Post> mixed(JdbcTemplate jdbc, String sort, String extra) {
        // ruleid: java.sql-concatenation
        return jdbc.query("SELECT * FROM posts ORDER BY " + SORTS.get(sort) + ", " + extra, MAPPER);
    }
}
