require "net/http"

def fetch(uri)
  http = Net::HTTP.new(uri.host, uri.port)
  http.use_ssl = true
  # ruleid: ruby.ssl-verify-none
  http.verify_mode = OpenSSL::SSL::VERIFY_NONE
  http.get(uri.request_uri)
end

def client
  # ruleid: ruby.ssl-verify-none
  Faraday.new(url: "https://api.internal", ssl: { verify: false })
end

def fetch_ok(uri)
  http = Net::HTTP.new(uri.host, uri.port)
  http.use_ssl = true
  # ok: ruby.ssl-verify-none
  http.verify_mode = OpenSSL::SSL::VERIFY_PEER
  http.get(uri.request_uri)
end

def client_ok
  # ok: ruby.ssl-verify-none
  Faraday.new(url: "https://api.internal", ssl: { ca_file: "/etc/ssl/internal-ca.pem" })
end

def verifying?(ctx)
  # ok: ruby.ssl-verify-none
  ctx.verify_mode != OpenSSL::SSL::VERIFY_NONE
end

def context_for(tls_verify)
  # ok: ruby.ssl-verify-none
  { verify_mode: tls_verify ? OpenSSL::SSL::VERIFY_PEER : OpenSSL::SSL::VERIFY_NONE }
end

def insecure_client(uri, skip)
  http = Net::HTTP.new(uri.host, uri.port)
  if skip
    # ruleid: ruby.ssl-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
  end
  http
end
