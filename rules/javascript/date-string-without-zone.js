// ruleid: javascript.date-string-without-zone
const launch = new Date("2024-11-29 09:00:00");
// ruleid: javascript.date-string-without-zone
const cutoff = Date.parse("2024-12-31T23:59");

// ok: javascript.date-string-without-zone
const launchOk = new Date("2024-11-29T09:00:00Z");
// ok: javascript.date-string-without-zone
const cutoffOk = Date.parse("2024-12-31T23:59:00+01:00");
// ok: javascript.date-string-without-zone
const now = new Date();
