package rates

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	pb "example.com/rates/proto"
)

func fetchRates(client *http.Client, url string) (*http.Response, error) {
	// ruleid: go.outbound-call-without-deadline
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}

func loadOrders(db *sql.DB, customerID int64) (*sql.Rows, error) {
	// ruleid: go.outbound-call-without-deadline
	return db.QueryContext(context.TODO(), "SELECT id, total FROM orders WHERE customer_id = $1", customerID)
}

func quote(client pb.RatesClient, symbol string) (*pb.Quote, error) {
	// ruleid: go.outbound-call-without-deadline
	return client.GetQuote(context.Background(), &pb.QuoteRequest{Symbol: symbol})
}

func fetchRatesBounded(ctx context.Context, client *http.Client, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// ok: go.outbound-call-without-deadline
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}

func loadOrdersFor(r *http.Request, db *sql.DB, customerID int64) (*sql.Rows, error) {
	// ok: go.outbound-call-without-deadline
	return db.QueryContext(r.Context(), "SELECT id, total FROM orders WHERE customer_id = $1", customerID)
}

func background() {
	// ok: go.outbound-call-without-deadline
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	run(ctx)
}
