# ruleid: ruby.unsafe-deserialization
prefs = Marshal.load(Base64.decode64(cookies[:prefs]))

def import
  # ruleid: ruby.unsafe-deserialization
  config = YAML.unsafe_load(request.body.read)
  # ruleid: ruby.unsafe-deserialization
  job = Marshal.load(redis.get("job:#{params[:id]}"))
  head :ok
end

# ok: ruby.unsafe-deserialization
prefs = JSON.parse(Base64.decode64(cookies[:prefs]))

# ok: ruby.unsafe-deserialization
settings = YAML.safe_load(File.read("config/settings.yml"), permitted_classes: [Symbol])

# ok: ruby.unsafe-deserialization
copy = Marshal.load(Marshal.dump(template))
