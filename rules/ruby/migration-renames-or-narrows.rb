class RenameCustomerColumns < ActiveRecord::Migration[7.1]
  def change
    # ruleid: ruby.migration-renames-or-narrows
    rename_column :users, :name, :full_name
    # ruleid: ruby.migration-renames-or-narrows
    rename_table :orders, :purchases
    # ruleid: ruby.migration-renames-or-narrows
    change_column :invoices, :amount, :integer
    change_table :accounts do |t|
      # ruleid: ruby.migration-renames-or-narrows
      t.rename :nickname, :display_name
      # ok: ruby.migration-renames-or-narrows
      t.string :locale, default: "en"
    end
    # ok: ruby.migration-renames-or-narrows
    change_column :invoices, :amount, :decimal, precision: 19, scale: 4
    # ok: ruby.migration-renames-or-narrows
    change_column :line_items, :quantity, :bigint
    # ok: ruby.migration-renames-or-narrows
    add_column :users, :full_name, :string
  end
end

class RenameWithSql < ActiveRecord::Migration[7.1]
  def up
    # ruleid: ruby.migration-renames-or-narrows
    execute <<~SQL
      ALTER TABLE users RENAME COLUMN name TO full_name;
    SQL
    # ruleid: ruby.migration-renames-or-narrows
    execute "ALTER TABLE orders DROP COLUMN legacy_total"
    # ok: ruby.migration-renames-or-narrows
    execute "ALTER TABLE orders ADD COLUMN region text"
  end
end

class RenameBack < ActiveRecord::Migration[7.1]
  def down
    # ok: ruby.migration-renames-or-narrows
    rename_column :users, :full_name, :name
  end
end
