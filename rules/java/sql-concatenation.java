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
