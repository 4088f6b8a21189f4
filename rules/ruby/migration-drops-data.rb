class DropLegacyPayments < ActiveRecord::Migration[7.1]
  def change
    # ruleid: ruby.migration-drops-data
    drop_table :legacy_payments
    # ruleid: ruby.migration-drops-data
    remove_column :users, :ssn, :string
    # ok: ruby.migration-drops-data
    add_index :users, :email, unique: true
  end
end

class SplitNames < ActiveRecord::Migration[7.1]
  def up
    change_table :customers do |t|
      # ruleid: ruby.migration-drops-data
      t.remove :full_name
    end
  end

  def down
    # ok: ruby.migration-drops-data
    drop_table :customer_names
  end
end

class CreateInvoices < ActiveRecord::Migration[7.1]
  def change
    # ok: ruby.migration-drops-data
    create_table :invoices do |t|
      t.references :customer, null: false, foreign_key: true
      t.timestamps
    end
  end
end
