require "net/http"
require "json"

uri = URI("https://api.example.com/rates")
# ruleid: ruby.net-http-without-timeout
rates = JSON.parse(Net::HTTP.get(uri))

# ruleid: ruby.net-http-without-timeout
res = Net::HTTP.post(URI("https://hooks.example.com/notify"), payload.to_json, "Content-Type" => "application/json")

# ruleid: ruby.net-http-without-timeout
http = Net::HTTP.new(uri.host, uri.port)
http.use_ssl = true
body = http.get(uri.request_uri).body

# ok: ruby.net-http-without-timeout
body = Net::HTTP.start(uri.host, uri.port, use_ssl: true, open_timeout: 2, read_timeout: 5) do |conn|
  conn.get(uri.request_uri).body
end

# ok: ruby.net-http-without-timeout
client = Net::HTTP.new(uri.host, uri.port)
client.open_timeout = 2
client.read_timeout = 5
