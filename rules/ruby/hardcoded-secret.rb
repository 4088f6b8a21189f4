# ruleid: ruby.hardcoded-secret
Stripe.api_key = "sk_live_51MzQ8pLr2Xv7Tn4Kb9Wc3Hd6Fg1Sj0Ae5Uy8Io"

Aws.config.update(
  region: "eu-west-1",
  # ruleid: ruby.hardcoded-secret
  credentials: Aws::Credentials.new("AKIAZ7QX3MPL4RTW2NVB", ENV.fetch("AWS_SECRET_ACCESS_KEY"))
)

ActiveRecord::Base.establish_connection(
  adapter: "postgresql",
  # ruleid: ruby.hardcoded-secret
  password: "Pr0d-db!2024x",
)

# ok: ruby.hardcoded-secret
Stripe.api_key = ENV.fetch("STRIPE_SECRET_KEY")

# ok: ruby.hardcoded-secret
Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)

# ok: ruby.hardcoded-secret
config.api_key = "YOUR_API_KEY_HERE"
