import os

import boto3

# ruleid: python.hardcoded-cloud-credential
AWS_ACCESS_KEY_ID = "AKIA4QWERTYZXCVBNM12"


def s3_client():
    return boto3.client(
        "s3",
        # ruleid: python.hardcoded-cloud-credential
        aws_access_key_id="AKIAZ7Y6X5W4V3U2T1S0",
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )


# ruleid: python.hardcoded-cloud-credential
GITHUB_TOKEN = "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"

# ok: python.hardcoded-cloud-credential
DOC_KEY = "AKIAIOSFODNN7EXAMPLE"


def s3_client_ok():
    # ok: python.hardcoded-cloud-credential
    return boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"])
