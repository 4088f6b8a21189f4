const cors = require("cors");

// ruleid: javascript.cors-credentials-any-origin
app.use(cors({ origin: true, credentials: true }));

app.use((req, res, next) => {
  // ruleid: javascript.cors-credentials-any-origin
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin);
  res.setHeader("Access-Control-Allow-Credentials", "true");
  next();
});

// ok: javascript.cors-credentials-any-origin
app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
// ok: javascript.cors-credentials-any-origin
app.use(cors({ origin: "*" }));
