def charge(order)
  # ruleid: ruby.rescue-swallow
  begin
    Gateway.charge(order.card, order.amount)
  rescue => e
  end
end

def load_config(path)
  # ruleid: ruby.rescue-swallow
  JSON.parse(File.read(path)) rescue nil
end

def charge_ok(order)
  # ok: ruby.rescue-swallow
  begin
    Gateway.charge(order.card, order.amount)
  rescue Gateway::CardDeclined => e
    Rails.logger.warn("declined: #{e.message}")
    raise
  end
end

def load_config_ok(path)
  # ok: ruby.rescue-swallow
  JSON.parse(File.read(path))
end
