package shop

func openingTime(s string) (time.Time, error) {
	// ruleid: go.time-parse-without-location
	return time.Parse("2006-01-02 15:04", s)
}

func deliveryWindow(s string) (time.Time, error) {
	// ruleid: go.time-parse-without-location
	return time.Parse(time.DateTime, s)
}

func openingTimeOK(s string, loc *time.Location) (time.Time, error) {
	// ok: go.time-parse-without-location
	return time.ParseInLocation("2006-01-02 15:04", s, loc)
}

func eventTime(s string) (time.Time, error) {
	// ok: go.time-parse-without-location
	return time.Parse(time.RFC3339, s)
}

func birthday(s string) (time.Time, error) {
	// ok: go.time-parse-without-location
	return time.Parse("2006-01-02", s)
}
