class MaintenanceJob
  def perform
    # ruleid: ruby.adapter-destructive-call
    ActiveRecord::Base.connection.truncate(:events)
    # ruleid: ruby.adapter-destructive-call
    DB[:orders].delete
    # ruleid: ruby.adapter-destructive-call
    DB.drop_table(:sessions)
    # ok: ruby.adapter-destructive-call
    DB[:orders].where { created_at < Date.today - 90 }.delete
    # ok: ruby.adapter-destructive-call
    DB[:orders].where(id: stale_ids).delete
    # ok: ruby.adapter-destructive-call
    cache.delete(:orders)
  end
end

RSpec.describe Report do
  before do
    # ok: ruby.adapter-destructive-call
    DB[:reports].delete
  end
end
