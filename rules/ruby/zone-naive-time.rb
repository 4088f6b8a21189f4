def todays_orders
  # ruleid: ruby.zone-naive-time
  Order.where(created_at: Date.today.beginning_of_day..Time.current)
end

def expiring_soon
  # ruleid: ruby.zone-naive-time
  Subscription.where("renews_at < ?", Time.now + 3.days)
end

def stamp(record)
  # ruleid: ruby.zone-naive-time
  record.update!(processed_on: DateTime.now)
end

def todays_orders_ok
  # ok: ruby.zone-naive-time
  Order.where(created_at: Time.current.all_day)
end

def timed
  started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  yield
  # ok: ruby.zone-naive-time
  log_epoch(Time.now.to_i)
end

def today_ok
  # ok: ruby.zone-naive-time
  Date.current
end
