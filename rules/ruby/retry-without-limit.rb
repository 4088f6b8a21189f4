def fetch
  client.get("/status")
rescue Faraday::TimeoutError
  # ruleid: ruby.retry-without-limit
  retry
end

def charge(order)
  begin
    gateway.charge(order.total_cents)
  rescue Gateway::Unavailable => e
    sleep 1
    # ruleid: ruby.retry-without-limit
    retry
  end
end

def fetch_ok
  attempts = 0
  begin
    client.get("/status")
  rescue Faraday::TimeoutError
    attempts += 1
    # ok: ruby.retry-without-limit
    retry if attempts < 3
    raise
  end
end

def charge_ok(order)
  tries = 0
  begin
    gateway.charge(order.total_cents)
  rescue Gateway::Unavailable
    tries += 1
    if tries < 5
      sleep(2**tries)
      # ok: ruby.retry-without-limit
      retry
    end
    raise
  end
end
