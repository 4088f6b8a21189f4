# ruleid: ruby.destructive-sql
ActiveRecord::Base.connection.execute("DELETE FROM events")

class PurgeAudit < ActiveRecord::Migration[7.1]
  def up
    # ruleid: ruby.destructive-sql
    execute "TRUNCATE TABLE audit_logs"
  end
end

def reset!(conn)
  # ruleid: ruby.destructive-sql
  conn.exec("SELECT 1; DROP TABLE sessions;")
end

# ok: ruby.destructive-sql
ActiveRecord::Base.connection.execute("DELETE FROM events WHERE created_at < now() - interval '90 days'")

# ok: ruby.destructive-sql
ActiveRecord::Base.connection.execute("UPDATE users SET active = false WHERE last_login_at < '2020-01-01'")
