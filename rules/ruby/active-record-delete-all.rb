namespace :data do
  task reset: :environment do
    # ruleid: ruby.active-record-delete-all
    Order.delete_all
    # ruleid: ruby.active-record-delete-all
    Billing::Invoice.destroy_all
    # ruleid: ruby.active-record-delete-all
    User.unscoped.delete_all
  end
end

# ok: ruby.active-record-delete-all
Session.where("expires_at < ?", 30.days.ago).in_batches(of: 1_000).delete_all

# ok: ruby.active-record-delete-all
current_user.notifications.destroy_all

# ok: ruby.active-record-delete-all
Order.where(status: "abandoned").delete_all

class Mailbox
  # ok: ruby.active-record-delete-all
  def Mailbox.delete_all(address)
    connect(address).each(&:delete)
  end
end
