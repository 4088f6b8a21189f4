package payments

import (
	"context"
	"crypto/tls"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

func dialPayments() (*grpc.ClientConn, error) {
	// ruleid: go.grpc-insecure-credentials
	return grpc.Dial("payments.prod.example.com:443", grpc.WithTransportCredentials(insecure.NewCredentials()))
}

func dialLegacy(ctx context.Context, addr string) (*grpc.ClientConn, error) {
	// ruleid: go.grpc-insecure-credentials
	return grpc.DialContext(ctx, addr, grpc.WithInsecure(), grpc.WithBlock())
}

func newClient(addr string) (*grpc.ClientConn, error) {
	// ruleid: go.grpc-insecure-credentials
	return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
}

func dialTLS() (*grpc.ClientConn, error) {
	creds := credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	// ok: go.grpc-insecure-credentials
	return grpc.NewClient("payments.prod.example.com:443", grpc.WithTransportCredentials(creds))
}

func dialSidecar() (*grpc.ClientConn, error) {
	// ok: go.grpc-insecure-credentials
	return grpc.NewClient("localhost:9090", grpc.WithTransportCredentials(insecure.NewCredentials()))
}
