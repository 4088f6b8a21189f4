// ruleid: javascript.date-parse-non-iso
const launch = new Date("03/04/2025");

// ruleid: javascript.date-parse-non-iso
const cutoff = Date.parse("2025/03/04 00:00");

// ruleid: javascript.date-parse-non-iso
const renewal = new Date("March 4, 2025");

// ok: javascript.date-parse-non-iso
const launchOk = new Date("2025-03-04T00:00:00Z");

// ok: javascript.date-parse-non-iso
const cutoffOk = new Date(Date.UTC(2025, 2, 4));

// ok: javascript.date-parse-non-iso
const parsedOk = DateTime.fromFormat("03/04/2025", "dd/MM/yyyy", { zone: "Europe/Berlin" });
