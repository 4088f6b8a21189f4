class AddCustomerIndexToOrders < ActiveRecord::Migration[7.1]
  def change
    # ruleid: ruby.migration-locks-or-backfills
    add_index :orders, :customer_id
    # ruleid: ruby.migration-locks-or-backfills
    add_column :orders, :currency, :string, null: false
    # ok: ruby.migration-locks-or-backfills
    add_column :orders, :status, :string, null: false, default: "pending"
    # ok: ruby.migration-locks-or-backfills
    add_column :orders, :note, :text
    # ruleid: ruby.migration-locks-or-backfills
    change_column_null :orders, :currency, false
    # ok: ruby.migration-locks-or-backfills
    change_column_null :orders, :note, true
  end
end

class BackfillCurrency < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def up
    # ruleid: ruby.migration-locks-or-backfills
    Order.update_all(currency: "USD")
    # ok: ruby.migration-locks-or-backfills
    Order.unscoped.in_batches(of: 5_000).update_all(currency: "USD")
    Order.in_batches do |relation|
      # ok: ruby.migration-locks-or-backfills
      relation.update_all(currency: "USD")
      sleep(0.01)
    end
    # ok: ruby.migration-locks-or-backfills
    add_index :orders, :created_at, algorithm: :concurrently
  end
end

class CreateInvoices < ActiveRecord::Migration[7.1]
  def change
    create_table :invoices do |t|
      t.references :customer, null: false
      t.timestamps
    end
    # ok: ruby.migration-locks-or-backfills
    add_index :invoices, :created_at
  end
end
