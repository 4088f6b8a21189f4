# ruleid: ruby.float-money
total = line_items.sum { |item| item.price.to_f * item.quantity }

def refund!(payment)
  # ruleid: ruby.float-money
  amount = Float(params[:refund_amount])
  # ruleid: ruby.float-money
  payment.update!(balance: payment.balance.to_f - amount)
end

# ok: ruby.float-money
total = line_items.sum(BigDecimal("0")) { |item| item.price * item.quantity }

# ok: ruby.float-money
ratio = conversion.rate.to_f * 100

# ok: ruby.float-money
elapsed = response.duration_seconds.to_f
