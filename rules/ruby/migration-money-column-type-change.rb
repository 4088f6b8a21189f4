class ChangeInvoiceAmountType < ActiveRecord::Migration[7.1]
  def change
    # ruleid: ruby.migration-money-column-type-change
    change_column :invoices, :amount, :integer
    # ruleid: ruby.migration-money-column-type-change
    add_column :orders, :total_price, :float
    # ok: ruby.migration-money-column-type-change
    change_column :invoices, :amount, :decimal, precision: 19, scale: 4
    # ok: ruby.migration-money-column-type-change
    add_column :orders, :total_cents, :bigint
    # ok: ruby.migration-money-column-type-change
    add_column :orders, :item_count, :integer
  end
end
