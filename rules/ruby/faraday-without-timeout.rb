# ruleid: ruby.faraday-without-timeout
conn = Faraday.new(url: "https://payments.example.com") do |f|
  f.request :json
  f.response :json
end
response = conn.post("/v1/charges", { amount: 1000 })

# ruleid: ruby.faraday-without-timeout
status = Faraday.get("https://status.example.com/health").status

# ok: ruby.faraday-without-timeout
safe = Faraday.new(url: "https://payments.example.com", request: { open_timeout: 2, timeout: 10 }) do |f|
  f.request :json
end

# ok: ruby.faraday-without-timeout
tuned = Faraday.new(url: "https://payments.example.com") do |f|
  f.options.timeout = 10
  f.options.open_timeout = 2
  f.response :json
end
