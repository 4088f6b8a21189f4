package db

// ruleid: go.credential-in-url
const dsn = "postgres://app:Tr0ub4dor&3xQ9@prod-db.internal:5432/app?sslmode=require"

// ruleid: go.credential-in-url
var mysqlDSN = "host=prod-db.internal user=app password=Qx7mZ2pLr9Tv dbname=shop sslmode=require"

func open() (*sql.DB, error) {
	return sql.Open("pgx", dsn)
}

// ok: go.credential-in-url
var fromEnv = fmt.Sprintf("postgres://app:%s@%s:5432/app", os.Getenv("DB_PASSWORD"), host)

// ok: go.credential-in-url
const local = "postgres://postgres:postgres@localhost:5432/app_test?sslmode=disable"
