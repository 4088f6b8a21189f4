package cloud

import (
	"os"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

// ruleid: go.hardcoded-cloud-credential
const accessKey = "AKIAQ3EGRT5YH7JK9LZX"

// ruleid: go.hardcoded-cloud-credential
var slackToken = "xoxb-2048976314-5567781234-AbCdEfGhIjKlMnOpQrStUvWx"

// ok: go.hardcoded-cloud-credential
var exampleKey = "AKIAIOSFODNN7EXAMPLE"

func Provider() credentials.StaticCredentialsProvider {
	// ok: go.hardcoded-cloud-credential
	return credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), "")
}
