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
