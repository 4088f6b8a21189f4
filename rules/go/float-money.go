package orders

type LineItem struct {
	SKU string
	// ruleid: go.float-money
	UnitPrice float64 `json:"unit_price"`
	Qty       int
}

type Invoice struct {
	ID string
	// ruleid: go.float-money
	Amount float64
	// ok: go.float-money
	TaxRate float64
}

type LineItemOK struct {
	SKU string
	// ok: go.float-money
	UnitPriceCents int64 `json:"unit_price_cents"`
	// ok: go.float-money
	Weight float64
}

func invoiceTotal(lines []Line) (total int64) {
	for _, l := range lines {
		// ruleid: go.float-money
		price, _ := strconv.ParseFloat(l.Price, 64)
		total += int64(price * 100)
	}
	return total
}

func ratio(l Line) float64 {
	// ok: go.float-money
	share, _ := strconv.ParseFloat(l.Share, 64)
	return share
}
