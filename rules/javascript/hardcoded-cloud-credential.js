const { S3Client } = require("@aws-sdk/client-s3");

const s3 = new S3Client({
  region: "eu-west-1",
  credentials: {
    // ruleid: javascript.hardcoded-cloud-credential
    accessKeyId: "AKIA2E0A8F3B244C9986",
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
  },
});

// ruleid: javascript.hardcoded-cloud-credential
const stripe = require("stripe")("sk_live_51H8vQ2KZ9aBcDeFgHiJkLmNoP");

// ok: javascript.hardcoded-cloud-credential
const docs = "AKIAIOSFODNN7EXAMPLE";
// ok: javascript.hardcoded-cloud-credential
const stripeOk = require("stripe")(process.env.STRIPE_SECRET_KEY);
